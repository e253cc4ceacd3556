import { describe, expect, it } from "vitest";
import { changeIdsOf, type KeyUse, resolveIdempotency } from "./idempotency";

const use = (key: string, fingerprint: string, changeIds?: number[], earlierFingerprint = fingerprint): KeyUse => ({
  key,
  fingerprint,
  earlier: changeIds && { fingerprint: earlierFingerprint, changeIds },
});

describe("resolveIdempotency", () => {
  it("stores every order of a call without keys", () => {
    const result = resolveIdempotency(undefined, [undefined, undefined]);

    expect(result).toEqual({
      ok: true,
      value: { plan: { slots: [{ kind: "fresh" }, { kind: "fresh" }], fresh: [0, 1], newKeys: [] } },
    });
  });

  it("answers a call whose key it remembers with the same body with that call's changes", () => {
    expect(resolveIdempotency(use("call-1", "body", [4, 5]), [undefined])).toEqual({ ok: true, value: { replay: [4, 5] } });
  });

  it("refuses a call whose key it remembers with another body", () => {
    expect(resolveIdempotency(use("call-1", "new body", [4], "old body"), [undefined])).toEqual({
      ok: false,
      error: { kind: "conflict", message: 'Idempotency-Key "call-1" was used before with a different body' },
    });
  });

  it("answers an order whose key it remembers with its change, and stores the rest", () => {
    const result = resolveIdempotency(use("call-2", "body"), [use("o-1", "a", [9]), undefined]);

    expect(result).toEqual({
      ok: true,
      value: { plan: { slots: [{ kind: "stored", changeId: 9 }, { kind: "fresh" }], fresh: [1], newKeys: [] } },
    });
  });

  it("answers a key repeated inside the call with its first order, which alone is stored and remembered", () => {
    const result = resolveIdempotency(undefined, [use("k", "a"), undefined, use("k", "a")]);

    expect(result.ok && "plan" in result.value && result.value.plan).toEqual({
      slots: [{ kind: "fresh" }, { kind: "fresh" }, { kind: "repeat", of: 0 }],
      fresh: [0, 1],
      newKeys: [{ key: "k", fingerprint: "a", index: 0 }],
    });
  });

  it.each([
    ["remembered", [use("k", "b", [3], "a")]],
    ["earlier in the call", [use("k", "a"), use("k", "b")]],
  ])("refuses an order key %s with another order, naming the order", (_, orders) => {
    const result = resolveIdempotency(undefined, orders);

    expect(result).toEqual({
      ok: false,
      error: { kind: "conflict", message: `orders[${orders.length - 1}].idempotencyKey "k" was used before with a different order` },
    });
  });
});

describe("changeIdsOf", () => {
  it("gives fresh orders their new ids in order, and the others the id they point at", () => {
    const result = resolveIdempotency(undefined, [use("k", "a"), use("old", "x", [2]), undefined, use("k", "a")]);
    if (!result.ok || !("plan" in result.value)) throw new Error("expected a plan");

    expect(changeIdsOf(result.value.plan, [17, 18])).toEqual([17, 2, 18, 17]);
  });
});
