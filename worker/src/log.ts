type Level = "info" | "warn" | "error";

// Calltouch's refusal texts may quote the order, contacts included: a phone-like run of digits keeps
// only its last two digits in the logs, and an e-mail address its first letter and top-level domain.
const phoneLike = /\+?\d[\d ()-]{7,}\d/g;
const emailLike = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.([\p{L}\p{N}-]{2,})/gu;

function mask(text: string): string {
  return text
    .replace(emailLike, (match, tld: string) => `${match[0]}•••@•••.${tld}`)
    .replace(phoneLike, (match) => `${match.slice(0, -2).replace(/\d/g, "•")}${match.slice(-2)}`);
}

/**
 * Writes one structured JSON log line. Callers pass facts, never secrets: no token, no API key. Texts
 * that may quote an order (`error`, `reason`) have phone numbers and e-mail addresses masked; an `error` that is an Error is
 * reduced to its name, message and stack.
 *
 * @example
 * log("info", "accepted", { requestId, changes: 3 });
 */
export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  const line: Record<string, unknown> = { level, message, time: new Date().toISOString(), ...fields };
  if (fields.error instanceof Error) {
    const { name, message: text, stack } = fields.error;
    line.error = { name, message: mask(text), stack: stack && mask(stack) };
  }
  for (const key of ["error", "reason"]) {
    if (typeof line[key] === "string") line[key] = mask(line[key]);
  }
  console[level === "info" ? "log" : level](JSON.stringify(line));
}
