import type { z } from "zod";
import { type FieldError, toFieldErrors } from "./errors";

/**
 * For tests: the message of the first problem `schema` finds in `value`, `undefined` if it accepts it.
 *
 * @example expect(firstMessage(optionalMoney, "1,5")).toMatch(/decimal separator/);
 */
export function firstMessage(schema: z.ZodType, value: unknown): string | undefined {
  return schema.safeParse(value).error?.issues[0]?.message;
}

/**
 * For tests: the field errors of `input`, `[]` if `schema` accepts it.
 *
 * @example expect(fieldErrorsOf(orderCreateInput, { orderNumber: 1, revenu: 1 })[0]?.field).toBe("revenu");
 */
export function fieldErrorsOf(schema: z.ZodType, input: unknown): FieldError[] {
  const result = schema.safeParse(input);
  return result.success ? [] : toFieldErrors(result.error);
}
