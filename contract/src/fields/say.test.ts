import { describe, expect, it } from "vitest";
import * as z from "zod";
import { toFieldErrors } from "../errors";
import { changeListInput, ordersDeleteInput, replayInput } from "../inputs";
import { MAX_ORDERS_PER_CALL } from "../limits";
import { ordersCreateInput, ordersUpdateInput } from "../order";
import { parseIn, say } from "./say";

/** The field errors of `input` parsed in `language`, as `field: message` lines. */
function errorsIn(language: "en" | "ru", schema: z.core.$ZodType, input: unknown): string[] {
  const parsed = parseIn(schema, input, language);
  if (parsed.success) throw new Error("expected a refusal");
  return toFieldErrors(parsed.error).map((error) => `${error.field}: ${error.message}`);
}

// One refusal of every kind the contract writes a message for: each field type, each list, each rule that
// looks at several fields, and the envelope of a call.
const refusedCreates: unknown[] = [
  { orderNumber: "" },
  { orderNumber: "a\u200bb" },
  { orderNumber: true },
  { orderNumber: 1, phones: ["12"] },
  { orderNumber: 1, phones: ["+1 212 555 1234"] },
  { orderNumber: 1, phones: [{}] },
  { orderNumber: 1, emails: ["nobody"] },
  { orderNumber: 1, revenue: "10.005" },
  { orderNumber: 1, revenue: "1234567890123456" },
  { orderNumber: 1, revenue: "-5" },
  { orderNumber: 1, revenue: true },
  { orderNumber: 1, orderDate: "19.07.2021" },
  { orderNumber: 1, orderDate: "31-02-2021 10:00:00" },
  { orderNumber: 1, orderDate: "2021-07-19T16:42:32+25:00" },
  { orderNumber: 1, status: "x".repeat(300) },
  { orderNumber: 1, currency: "roubles" },
  { orderNumber: 1, orderLink: "crm/deal/1" },
  { orderNumber: 1, sessionId: "abc" },
  { orderNumber: 1, callId: -3 },
  { orderNumber: 1, callId: [] },
  { orderNumber: 1, revenu: 1 },
  { orderNumber: 1, a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 },
  { orderNumber: 1, customFields: {} },
  { orderNumber: 1, customFields: [{ field: "Город", value: {} }] },
  { orderNumber: 1, products: [{ name: "x", price: "1", quantity: 0 }] },
  { orderNumber: 1, products: [{ name: "x", price: "1", quantity: 1.5 }] },
  { orderNumber: 1, products: "x" },
  { orderNumber: 1, tags: Array.from({ length: 101 }, (_, i) => `t${i}`) },
  { orderNumber: 1, tags: "a" },
  { orderNumber: 1, flag: 1, addTagsToLead: "yes" },
  { orderNumber: 1, matching: [{ type: "teleport" }] },
  { orderNumber: 1, matching: [{}] },
  { orderNumber: 1, matching: ["x"] },
  { orderNumber: 1, matching: "x" },
  { orderNumber: 1, matching: [{ type: "callContact", callContactParams: {} }] },
  { orderNumber: 1, matching: [{ type: "callContact", callContactParams: { phones: ["79157771122"], searchDepth: 0 } }] },
  { orderNumber: 1, matching: [{ type: "callContact", callContactParams: { phones: ["79157771122"], phonesTypeToMatch: "any" } }] },
  { orderNumber: 1, matching: [{ type: "request", requestParams: { requestId: 1, tagsLogic: "xor" } }] },
  { orderNumber: 1, matching: [{ type: "leadContact", leadContactParams: { md5Phones: ["xyz"] } }] },
  { orderNumber: 1, matching: [{ type: "leadContact", leadContactParams: { tgUsernames: ["no spaces allowed"] } }] },
  { orderNumber: 1, matching: [{ type: "session", sessionParams: { sessionId: [] } }] },
  { orderNumber: 1, matching: [{ type: "withoutSource" }], phones: ["79157771122"] },
  { orderNumber: 1, manager: 5 },
  { orderNumber: 1, reMatching: true },
  [],
  "order",
  { orders: [], wait: -1 },
  { orders: [{ orderNumber: 1 }], wait: 1.5 },
  { orders: [{ orderNumber: 1 }], wait: 10_000_000 },
  Array.from({ length: MAX_ORDERS_PER_CALL + 1 }, (_, i) => ({ orderNumber: i })),
];

const refusedOthers: [z.core.$ZodType, unknown][] = [
  [ordersUpdateInput, { orderNumber: 1 }],
  [ordersUpdateInput, { orderNumber: 1, tagsOverwrite: true, status: "x" }],
  [ordersDeleteInput, { orderNumbers: [] }],
  [ordersDeleteInput, { orderNumbers: Array.from({ length: MAX_ORDERS_PER_CALL + 1 }, (_, i) => i) }],
  [replayInput, {}],
  [replayInput, { changeIds: [0] }],
  [changeListInput, { state: "lost", limit: 0 }],
  [changeListInput, { state: "dead", limit: 5000, after: -1 }],
  [changeListInput, { state: "dead", more: 1 }],
  [changeListInput, "dead"],
];

const cases: [z.core.$ZodType, unknown][] = [
  ...refusedCreates.map((input): [z.core.$ZodType, unknown] => [ordersCreateInput, input]),
  ...refusedOthers,
];

describe("messages in the caller's language", () => {
  it.each(cases)("in Russian, every message of a refusal is Russian, field by field (%#)", (schema, input) => {
    const english = errorsIn("en", schema, input);
    const russian = errorsIn("ru", schema, input);
    // The same fields refused, only the words differ.
    expect(russian.map((line) => line.slice(0, line.indexOf(": ")))).toStrictEqual(
      english.map((line) => line.slice(0, line.indexOf(": "))),
    );
    for (const line of russian) expect(line.slice(line.indexOf(": ") + 2)).toMatch(/[а-яё]/i);
    for (const line of english) expect(line.slice(line.indexOf(": ") + 2)).not.toMatch(/[а-яё]{4,}/i);
  });

  it("says what is wrong and what is expected in Russian as it does in English", () => {
    expect(errorsIn("ru", ordersCreateInput, { orderNumber: 1, revenu: 1 })).toStrictEqual([
      'revenu: неизвестное поле "revenu" (может быть, "revenue"?)',
    ]);
    expect(errorsIn("ru", ordersCreateInput, { orderNumber: 1, revenue: "10.005" })).toStrictEqual([
      "revenue: больше двух знаков после точки в 10.005: округлите сумму перед отправкой, шлюз деньги не округляет",
    ]);
    expect(errorsIn("ru", ordersCreateInput, { orderNumber: 1, manager: 5 })).toStrictEqual(["manager: ожидается строка, получено: число"]);
    expect(errorsIn("en", ordersCreateInput, { orderNumber: 1, manager: 5 })).toStrictEqual(["manager: expected a string, got a number"]);
  });

  it("leaves every later parse in English, after a refusal and after a throw", () => {
    errorsIn("ru", ordersCreateInput, { orderNumber: "" });
    const english = ordersCreateInput.safeParse({ orderNumber: "" });
    expect(english.success ? [] : toFieldErrors(english.error)).toStrictEqual([
      { path: ["orderNumber"], field: "orderNumber", message: "must not be empty" },
    ]);
    const throwing = z.string().transform(() => {
      throw new Error("boom");
    });
    expect(() => parseIn(throwing, "x", "ru")).toThrow("boom");
    expect(say("en", "ru")).toBe("en");
  });
});
