import { type FieldError, toFieldErrors } from "./errors";
import * as z from "./zod";

/**
 * For tests: the message of the first problem `schema` finds in `value`, `undefined` if it accepts it.
 *
 * @example expect(firstMessage(optionalMoney, "1,5")).toMatch(/decimal separator/);
 */
export function firstMessage(schema: z.core.$ZodType, value: unknown): string | undefined {
  return z.safeParse(schema, value).error?.issues[0]?.message;
}

/**
 * For tests: the field errors of `input`, `[]` if `schema` accepts it.
 *
 * @example expect(fieldErrorsOf(orderCreateInput, { orderNumber: 1, revenu: 1 })[0]?.field).toBe("revenu");
 */
export function fieldErrorsOf(schema: z.core.$ZodType, input: unknown): FieldError[] {
  const result = z.safeParse(schema, input);
  return result.success ? [] : toFieldErrors(result.error);
}

/**
 * For tests: numbers in [0, 1) from `seed`, the same on every run, so that a failure names an input that
 * comes back (Park and Miller's generator, exact in a double).
 *
 * @example const random = seeded(11); const coin = random() < 0.5;
 */
export function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48_271) % 2_147_483_647;
    return state / 2_147_483_647;
  };
}
