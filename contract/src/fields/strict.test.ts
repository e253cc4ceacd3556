import { describe, expect, it } from "vitest";
import { firstMessage } from "../test-support";
import * as z from "../zod";
import { string } from "./field";
import { strict } from "./strict";

const text = z.optional(string);
const order = strict({ orderNumber: text, orderDate: text, revenue: text, phones: text, tags: text, tgId: text });
const messageOf = (value: unknown) => firstMessage(order, value);

describe("strict objects", () => {
  it("refuse an unknown key and name the key probably meant", () => {
    expect(messageOf({ revenu: "1" })).toBe('unknown key "revenu" (did you mean "revenue"?)');
    expect(messageOf({ phone: "1" })).toBe('unknown key "phone" (did you mean "phones"?)');
    expect(messageOf({ order_number: "1" })).toBe('unknown key "order_number" (did you mean "orderNumber"?)');
    expect(messageOf({ OrderDate: "1" })).toBe('unknown key "OrderDate" (did you mean "orderDate"?)');
    expect(messageOf({ tag: "1" })).toBe('unknown key "tag" (did you mean "tags"?)');
  });

  it("give no hint where no key is close", () => {
    expect(messageOf({ pipeline: "1" })).toBe('unknown key "pipeline"');
    expect(messageOf({ id: "1" })).toBe('unknown key "id"');
  });

  it("name every unknown key at once", () => {
    expect(order.safeParse({ revenu: "1", deal_id: "2" }).error?.issues).toMatchObject([
      { code: "unrecognized_keys", keys: ["revenu", "deal_id"], message: 'unknown keys "revenu" (did you mean "revenue"?), "deal_id"' },
    ]);
  });

  it("say what they expected in place of a value that is no object", () => {
    expect(messageOf("order")).toBe("expected an object, got a string");
    expect(messageOf([])).toBe("expected an object, got an array");
    expect(messageOf(null)).toBe("expected an object, got null");
  });
});
