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

  it("masks e-mail addresses in the same texts, keeping only the first letter and the top-level domain", () => {
    const line = lineOf(() =>
      log("warn", "dead letter", { reason: "Invalid email Anna.Petrova@mail.example.ru and иван@почта.рф", orderNumber: "a@b" }),
    );
    expect(line.reason).toBe("Invalid email A•••@•••.ru and и•••@•••.рф");
    expect(line.orderNumber).toBe("a@b");
  });

  it("reduces an Error to its name, message and stack", () => {
    const line = lineOf(() => log("error", "failed", { error: new TypeError("call 89157771122 or a@b.com") }), "error");
    expect(line.error).toEqual({
      name: "TypeError",
      message: "call •••••••••22 or a•••@•••.com",
      stack: expect.stringContaining("TypeError"),
    });
  });
});
