import { describe, expect, it } from "vitest";
import * as z from "zod";
import { atMost, expected, type Normalize, optional, optionalSet, required, requiredSet, string, withoutRepeats } from "./field";
import { normalizePhone } from "./phone";
import { strict } from "./strict";
import { trimmed } from "./text";

/**
 * The field builders as they were written with zod's classic `.transform`, before they ran their
 * normalizers as zod core's transform (field.ts, `normalized`): what they answered is what they must
 * answer still, values and issues alike.
 */
const unset = (value: unknown) =>
  value === null ||
  value === undefined ||
  (typeof value === "string" && value.trim() === "") ||
  (Array.isArray(value) && value.length === 0);
const classic = {
  // What `input.transform(fn)` is in zod's classic API, for inputs made with the contract's zod/mini.
  required: <S extends z.core.$ZodType, O>(input: S, normalize: Normalize<z.output<S>, O>) =>
    z.pipe(
      input,
      z.transform((value: z.output<S>, ctx): O => {
        if (unset(value)) {
          ctx.addIssue({ code: "custom", message: "must not be empty" });
          return z.NEVER;
        }
        return normalize(value, ctx);
      }),
    ),
  orUnset: <S extends z.core.$ZodType, O>(input: S, normalize: Normalize<z.output<S>, O>) =>
    z.nullable(input).transform((value, ctx): O | undefined => (unset(value) ? undefined : normalize(value as z.output<S>, ctx))),
  set: <S extends z.core.$ZodType, O>(item: S, normalize: Normalize<z.output<S>, O>, max: number) =>
    z
      .array(classic.orUnset(item, normalize), { error: expected("a list", "список") })
      .max(max, atMost(max))
      .nullable()
      .transform((items) => {
        const unique = [...new Set(items?.filter((item) => item !== undefined))];
        return unique.length > 0 ? unique : undefined;
      }),
};

const phone = z.union([string, z.int()]);
const short = trimmed(5);
// An object's checks run only when no field's issue aborted it: this one shows which issues do.
const objectCheck = (_: unknown, ctx: z.core.$RefinementCtx<unknown>) =>
  ctx.addIssue({ code: "custom", message: "the object's check ran" });
const fields = strict({
  name: required(string, short),
  note: optional(string, short),
  phones: optionalSet(phone, normalizePhone, 3),
  tags: requiredSet(string, short, 3),
}).check(z.superRefine(objectCheck));
const classicFields = strict({
  name: classic.required(string, short),
  note: classic.orUnset(string, short).optional(),
  phones: classic.set(phone, normalizePhone, 3).optional(),
  tags: classic.set(string, short, 3).transform((items, ctx) => {
    if (items !== undefined) return items;
    ctx.addIssue({ code: "custom", message: "must list at least one value" });
    return z.NEVER;
  }),
}).check(z.superRefine(objectCheck));

const names = [undefined, null, "", "  ", " Иван ", "Иванова", 7];
const notes = [undefined, null, " ", "ok", "too long", false];
const phoneLists = [
  undefined,
  null,
  [],
  [null, " "],
  ["8 915 777-11-22", "+79157771122", 79157771122],
  ["12", "8 915 777-11-22", true],
  ["+1 212 555 1234"],
  ["1", "2", "3", "4"],
  "89157771122",
];
const tagLists = [undefined, null, [], ["a", " a ", ""], ["longer than five", 3], ["a", "b", "c", "d"], { tags: ["a"] }];

describe("the field builders", () => {
  it("answer as zod's classic transforms did: the same values, the same issues at the same paths", () => {
    let refused = 0;
    for (const name of names) {
      for (const note of notes) {
        for (const phones of phoneLists) {
          for (const tags of tagLists) {
            const input = { name, note, phones, tags };
            const now = fields.safeParse(input);
            const before = classicFields.safeParse(input);
            expect(now.success, JSON.stringify(input)).toBe(before.success);
            if (now.success) expect(now.data).toStrictEqual(before.data);
            else expect(now.error.issues, JSON.stringify(input)).toStrictEqual(before.error?.issues);
            if (!now.success) refused++;
          }
        }
      }
    }
    // Every combination is refused: by a field, or else by the object's check.
    expect(refused).toBe(names.length * notes.length * phoneLists.length * tagLists.length);
  });
});

describe("withoutRepeats", () => {
  it("keeps what a Set keeps, in the same order, for short and long lists", () => {
    const pool = ["a", "b", "79157771122", "c", 7, 0, undefined];
    for (let length = 0; length <= 24; length++) {
      for (let seed = 0; seed < 50; seed++) {
        const items = Array.from({ length }, (_, index) => pool[(index * 7 + seed * 13 + ((seed * index) % 5)) % pool.length]);
        expect(withoutRepeats(items), JSON.stringify(items)).toStrictEqual([...new Set(items.filter((item) => item !== undefined))]);
      }
    }
  });
});
