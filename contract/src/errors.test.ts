import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ordersCreateInput } from "./order";
import { fieldErrorsOf as errorsOf } from "./test-support";

describe("toFieldErrors", () => {
  it("names fields the way JavaScript writes them", () => {
    const schema = z.strictObject({ a: z.array(z.strictObject({ "b-c": z.string(), d: z.string() })) });
    expect(errorsOf(schema, { a: [{ "b-c": 1, d: "x" }] })).toStrictEqual([
      { path: ["a", 0, "b-c"], field: 'a[0]["b-c"]', message: "Invalid input: expected string, received number" },
    ]);
  });

  it("reports each unknown key at the key, and several at their object", () => {
    expect(errorsOf(ordersCreateInput, [{ orderNumber: 1 }, { orderNumber: 2, revenu: 1 }])).toStrictEqual([
      { path: [1, "revenu"], field: "[1].revenu", message: 'unknown key "revenu" (did you mean "revenue"?)' },
    ]);
    expect(errorsOf(ordersCreateInput, { orderNumber: 1, revenu: 1, deal_id: 2 })).toStrictEqual([
      { path: [], field: "", message: 'unknown keys "revenu" (did you mean "revenue"?), "deal_id"' },
    ]);
  });

  it("reports a failed union by the branch the input was meant for", () => {
    expect(errorsOf(ordersCreateInput, { orderNumber: 1, revenue: -5 })).toStrictEqual([
      { path: ["revenue"], field: "revenue", message: "must not be negative, got -5" },
    ]);
    expect(errorsOf(ordersCreateInput, [{ orderNumber: 1, revenue: -5 }])).toStrictEqual([
      { path: [0, "revenue"], field: "[0].revenue", message: "must not be negative, got -5" },
    ]);
  });

  it("keeps a union's own message when no branch fits", () => {
    expect(errorsOf(ordersCreateInput, 42)).toStrictEqual([
      { path: [], field: "", message: "expected an order, a list of 1 to 1000 orders, or {orders, wait}, got a number" },
    ]);
    expect(errorsOf(ordersCreateInput, { orderNumber: { id: 1 } })).toStrictEqual([
      { path: ["orderNumber"], field: "orderNumber", message: "expected the CRM's deal id: a string or an integer, got an object" },
    ]);
  });

  it("handles every kind of zod issue, including ones from other schemas", () => {
    const schema = z.union([z.strictObject({ kind: z.literal("a"), n: z.number().max(3) }), z.strictObject({ kind: z.literal("b") })]);
    expect(errorsOf(schema, { kind: "a", n: 5 })).toMatchObject([{ path: ["n"], field: "n", message: expect.stringContaining("<=3") }]);
    expect(errorsOf(schema, { kind: "c" })).toMatchObject([{ path: [], field: "" }]);
  });
});
