import { afterEach, describe, expect, it, vi } from "vitest";
import { log } from "./log";

afterEach(() => vi.restoreAllMocks());

function lineOf(write: () => void, method: "log" | "warn" | "error" = "warn"): Record<string, unknown> {
  const spy = vi.spyOn(console, method).mockImplementation(() => {});
  write();
  return JSON.parse(spy.mock.calls[0]![0] as string);
}

describe("log", () => {
  it("writes one JSON line with level, message, time and the fields", () => {
    const line = lineOf(() => log("info", "accepted", { requestId: "r-1", changes: 3 }), "log");
    expect(line).toEqual({ level: "info", message: "accepted", time: expect.any(String), requestId: "r-1", changes: 3 });
  });

  it("masks phone numbers in the texts that may quote an order", () => {
    const line = lineOf(() =>
      log("warn", "dead letter", { error: "Invalid phone +7 (915) 777-11-22 and 79009991122", orderNumber: "1234567890123" }),
    );
    expect(line.error).toBe("Invalid phone +• (•••) •••-••-22 and •••••••••22");
    expect(line.orderNumber).toBe("1234567890123");
  });

  it("reduces an Error to its name, message and stack", () => {
    const line = lineOf(() => log("error", "failed", { error: new TypeError("call 89157771122") }), "error");
    expect(line.error).toEqual({ name: "TypeError", message: "call •••••••••22", stack: expect.stringContaining("TypeError") });
  });
});
