type Level = "info" | "warn" | "error";

/**
 * Writes one structured JSON log line. Callers pass facts, never secrets: no token, no API key, no
 * full phone number. An `error` field is reduced to its name, message and stack.
 *
 * @example
 * log("info", "accepted", { requestId, orders: 3 });
 */
export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  const line: Record<string, unknown> = { level, message, time: new Date().toISOString(), ...fields };
  if (fields.error instanceof Error) {
    const { name, message: text, stack } = fields.error;
    line.error = { name, message: text, stack };
  }
  console[level === "info" ? "log" : level](JSON.stringify(line));
}
