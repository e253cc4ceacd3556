import { maskPersonalData } from "./mask";

type Level = "info" | "warn" | "error";

/**
 * Writes one structured JSON log line. Callers pass facts, never secrets: no token, no API key. Texts
 * that may quote an order (`error`, `reason`) have phone numbers and e-mail addresses masked
 * (`mask.ts`); an `error` that is an Error is reduced to its name, message and stack.
 *
 * @example
 * log("info", "accepted", { requestId, changes: 3 });
 */
export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  const line: Record<string, unknown> = { level, message, time: new Date().toISOString(), ...fields };
  if (fields.error instanceof Error) {
    const { name, message: text, stack } = fields.error;
    line.error = { name, message: maskPersonalData(text), stack: stack && maskPersonalData(stack) };
  }
  for (const key of ["error", "reason"]) {
    if (typeof line[key] === "string") line[key] = maskPersonalData(line[key]);
  }
  console[level === "info" ? "log" : level](JSON.stringify(line));
}
