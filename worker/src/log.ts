type Level = "info" | "warn" | "error";

// Calltouch's refusal texts may quote the order, phones included: a phone-like run of digits keeps
// only its last two digits in the logs.
const phoneLike = /\+?\d[\d ()-]{7,}\d/g;

function maskPhones(text: string): string {
  return text.replace(phoneLike, (match) => `${match.slice(0, -2).replace(/\d/g, "•")}${match.slice(-2)}`);
}

/**
 * Writes one structured JSON log line. Callers pass facts, never secrets: no token, no API key. Texts
 * that may quote an order (`error`, `reason`) have phone numbers masked; an `error` that is an Error is
 * reduced to its name, message and stack.
 *
 * @example
 * log("info", "accepted", { requestId, changes: 3 });
 */
export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  const line: Record<string, unknown> = { level, message, time: new Date().toISOString(), ...fields };
  if (fields.error instanceof Error) {
    const { name, message: text, stack } = fields.error;
    line.error = { name, message: maskPhones(text), stack: stack && maskPhones(stack) };
  }
  for (const key of ["error", "reason"]) {
    if (typeof line[key] === "string") line[key] = maskPhones(line[key]);
  }
  console[level === "info" ? "log" : level](JSON.stringify(line));
}
