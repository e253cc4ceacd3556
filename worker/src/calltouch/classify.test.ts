import { describe, expect, it } from "vitest";
import { type Answer, classify, MAX_RETRY_AFTER_MS, retryAfterMs, suggestsExisting } from "./classify";

const orders = [{ orderNumber: "a" }];
const answer = (status: number, json: unknown, retryAfter: string | null = null): Answer => ({
  received: true,
  status,
  retryAfter,
  text: json === undefined ? "" : JSON.stringify(json),
  json,
});

describe("classify", () => {
  it("never reads words over a validation body, nor over per-order results", () => {
    const validation = answer(400, { data: { validationErrorData: [{ field: "orders[0].status", message: "token limit exceeded" }] } });
    const results = answer(200, { data: { orders: [{ error: "Access-Token limit exceeded" }] } });

    expect(classify(validation, orders, "t")).toMatchObject({ kind: "refused", row: "validation" });
    expect(classify(results, orders, "t")).toMatchObject({
      kind: "results",
      results: [{ ok: false, error: "Access-Token limit exceeded" }],
    });
  });

  it("takes status before words: a 401 that speaks of a limit is the credentials, a 429 that names the token is a slow-down", () => {
    expect(classify(answer(401, { error: "limit" }), orders, "t")).toMatchObject({ kind: "credentials", row: "auth_status" });
    expect(classify(answer(429, { error: "token" }), orders, "t")).toMatchObject({ kind: "slow_down", row: "throttle_status" });
  });

  it("keeps results with a Retry-After, and the wait they ask for", () => {
    expect(classify(answer(200, { data: { orders: [{ calltouchOrderId: 1 }] } }, "2"), orders, "t")).toMatchObject({
      kind: "results",
      retryAfterMs: 2000,
    });
  });

  it("removes the token from every text it quotes, and masks phones and e-mails", () => {
    const verdict = classify(answer(502, { error: "token s3cret for +7 915 777-11-22 and name@server.com" }), orders, "s3cret");

    expect(verdict.message).not.toContain("s3cret");
    expect(verdict.message).not.toContain("777-11-22");
    expect(verdict.message).not.toContain("name@server.com");
  });

  it("reads a body that is not JSON as words only", () => {
    const html: Answer = { received: true, status: 502, retryAfter: null, text: "<html>Bad Gateway</html>", json: undefined };
    expect(classify(html, orders, "t")).toMatchObject({ kind: "unknown_outcome", row: "server_error", applied: "maybe" });
  });
});

describe("retryAfterMs", () => {
  it("reads delay-seconds and HTTP dates, and caps what is too long", () => {
    const now = Date.parse("2026-11-29T10:00:00Z");
    expect(retryAfterMs("3", now)).toBe(3000);
    expect(retryAfterMs("Sun, 29 Nov 2026 10:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs("86400", now)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});

describe("suggestsExisting", () => {
  it("hears words of an existing deal, which are only a hypothesis", () => {
    expect(suggestsExisting('Order with orderNumber "42" already exists')).toBe(true);
    expect(suggestsExisting("Сделка уже существует")).toBe(true);
    expect(suggestsExisting("Некорректный статус")).toBe(false);
  });
});
