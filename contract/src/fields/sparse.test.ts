import { describe, expect, it } from "vitest";
import { memoExampleOrder } from "../examples";
import { orderCreateInput, orderUpdateInput } from "../order";
import { seeded } from "../test-support";
import * as z from "../zod";
import { string } from "./field";
import { sparse } from "./sparse";

/** A value for each key, right or wrong, and values no key takes. */
const VALUES: Record<string, unknown[]> = {
  orderNumber: ["42", 42, " ", -1],
  orderDate: ["2021-07-19T16:42:32+03:00", "19-07-2021 16:42:32", "2021-07-19T16:42:32", "31-02-2021 10:00:00"],
  updateDate: ["2021-07-20T10:00:00Z", "yesterday"],
  statusDate: ["2021-07-19T17:00:00+03:00", 1_626_702_152_000],
  status: ["Запись", " Оплачено ", ""],
  revenue: [1000, "1500.50", -1, "1e3"],
  margin: [-100, "x"],
  currency: ["RUB", "рубли"],
  phones: [["79157771122", "+79009991122"], ["8 915 777-11-22"], ["123"], "79157771122"],
  emails: [["name@server.com"], ["not an e-mail"]],
  tags: [["Тег1", "Тег2"], [""], "Тег1"],
  tagsOverwrite: [true, "yes"],
  sessionId: ["123456", "abc"],
  callId: [123, "x"],
  matching: [[], [{ type: "phone" }]],
  products: [[{ name: "A", quantity: 2, price: 10 }], [{ nam: "A" }]],
  customFields: [[{ field: "Город", value: "Москва" }], [{ field: "" }]],
  leadManager: [{ manager: "Анна" }, { manager: "" }],
};
const ANY = [undefined, null, "", "text", 0, true, [], {}];

/** The same schema as zod builds it, without {@link sparse}: what each answer must equal. */
function unsparse<T extends z.ZodMiniObject>(schema: T): T {
  const whole = schema.clone();
  expect(whole._zod.parse).not.toBe(schema._zod.parse);
  return whole;
}

/** An answer as a caller sees it: the value with its keys in order, or every issue with its path and message. */
function answer(schema: z.core.$ZodType, input: unknown) {
  const result = z.safeParse(schema, input);
  if (result.success) return { keys: Object.keys(result.data as object), data: result.data };
  return { issues: result.error.issues.map(({ code, path, message }) => ({ code, path, message })) };
}

describe("sparse objects", () => {
  for (const [name, schema] of [
    ["orders.create", orderCreateInput],
    ["orders.update", orderUpdateInput],
  ] as const) {
    it(`answer as the whole object does for ${name}, on every mix of keys, values and unknown keys`, () => {
      const whole = unsparse(schema);
      const keys = Object.keys(schema._zod.def.shape);
      const random = seeded(11);
      const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
      const inputs: unknown[] = [memoExampleOrder, { orderNumber: "1" }, {}, null, [], "order", 42, Object.create(null)];
      const keySets = new Set<string>();
      for (let i = 0; i < 3000; i++) {
        const input: Record<string, unknown> = {};
        for (const key of keys)
          if (random() < 0.2 || (key === "orderNumber" && random() < 0.9)) input[key] = pick([...(VALUES[key] ?? []), ...ANY]);
        if (random() < 0.05) input[pick(["revenu", "phone", "deal_id"])] = 1;
        keySets.add(Object.keys(input).join());
        inputs.push(input);
      }
      // Past the key sets a schema keeps an object for, inputs take the whole one: both ways are compared.
      expect(keySets.size).toBeGreaterThan(1000);
      inputs.push(JSON.parse('{"orderNumber": "1", "__proto__": {"status": "x"}}'));
      inputs.push(Object.assign(Object.create({ status: "inherited" }), { orderNumber: "1" }));
      inputs.push(Object.assign(Object.create(null), { orderNumber: "1", status: "Запись" }));
      inputs.push({ orderNumber: "1", status: undefined });
      for (const input of inputs) expect(answer(schema, input)).toStrictEqual(answer(whole, input));
    });
  }

  it("run no schema of an absent key", () => {
    const comment = z.optional(string);
    const run = comment._zod.run;
    let runs = 0;
    comment._zod.run = (payload, ctx) => {
      runs++;
      return run(payload, ctx);
    };
    const shape = { orderNumber: string, status: z.optional(string), comment };
    const schema = sparse(z.strictObject(shape));
    expect(schema.parse({ orderNumber: "1", status: "Запись" })).toStrictEqual({ orderNumber: "1", status: "Запись" });
    expect(runs).toBe(0);
    expect(schema.parse({ orderNumber: "1", comment: "x" })).toStrictEqual({ orderNumber: "1", comment: "x" });
    expect(runs).toBe(1);
    // The whole object runs it for every value.
    unsparse(schema).parse({ orderNumber: "1" });
    expect(runs).toBe(2);
  });

  it("refuses a shape it cannot key", () => {
    const wide = Object.fromEntries(Array.from({ length: 53 }, (_, i) => [`key${i}`, z.optional(string)]));
    expect(() => sparse(z.strictObject(wide))).toThrow("more than 52 keys");
  });
});
