import * as z from "../zod";
import { type Ctx, clip, expected, fail, optional, quote, required, string } from "./field";
import { say } from "./say";

/**
 * An amount as Calltouch wants it: a decimal string with exactly two fractional digits.
 *
 * @example const revenue: Money = "1000.00";
 */
export type Money = string;

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;
/** Beyond 15 digits a JSON number no longer holds every cent, and no deal is that large. */
const MAX_WHOLE_DIGITS = 15;

/**
 * Formats an amount from its decimal text, never through float arithmetic, so that `1000.1` becomes
 * `"1000.10"` exactly. Money is never changed silently: more than two fractional digits (including a
 * float artefact like `0.30000000000000004`) is an error, not a rounding.
 *
 * @example normalizeMoney(1000, ctx, false)      // "1000.00"
 * @example normalizeMoney("1000.5", ctx, false)  // "1000.50"
 * @example normalizeMoney("-12.30", ctx, true)   // "-12.30" (only a margin may be negative)
 */
export function normalizeMoney(value: number | string, ctx: Ctx, allowNegative: boolean): Money {
  const text = typeof value === "number" ? String(value) : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) {
    return fail(
      ctx,
      text.includes(",")
        ? `use a dot as the decimal separator and no thousands separator (1000.50), got ${quote(text)}`
        : `expected an amount like 1000, 1000.5 or 1000.50, got ${quote(text)}`,
    );
  }
  const [, sign, whole = "", fraction = ""] = match;
  if (fraction.length > 2) {
    return fail(
      ctx,
      say(
        `more than 2 decimal places in ${clip(text)}: round the amount before sending it, money is never rounded here`,
        `больше двух знаков после точки в ${clip(text)}: округлите сумму перед отправкой, шлюз деньги не округляет`,
      ),
    );
  }
  const digits = whole.replace(/^0+(?=\d)/, "");
  if (digits.length > MAX_WHOLE_DIGITS)
    return fail(
      ctx,
      say(
        `amount too large: ${clip(text)} (at most ${MAX_WHOLE_DIGITS} digits before the point)`,
        `слишком большая сумма: ${clip(text)} (не больше ${MAX_WHOLE_DIGITS} цифр до точки)`,
      ),
    );
  const amount = `${digits}.${fraction.padEnd(2, "0")}`;
  if (sign === "" || amount === "0.00") return amount;
  return allowNegative
    ? `-${amount}`
    : fail(ctx, say(`must not be negative, got ${clip(text)}`, `не может быть отрицательной, получено ${clip(text)}`));
}

const moneyInput = z.union([z.number(), string], {
  error: expected("an amount: a number or a decimal string (1000.50)", "сумма: число или десятичная строка (1000.50)"),
});

/**
 * `revenue`: an amount of zero or more, or not set.
 *
 * @example optionalMoney.parse("1000.5") // "1000.50"
 */
export const optionalMoney = optional(moneyInput, (value, ctx) => normalizeMoney(value, ctx, false));

/** `margin`: an amount that may be negative (a deal sold at a loss), or not set. */
export const optionalSignedMoney = optional(moneyInput, (value, ctx) => normalizeMoney(value, ctx, true));

/** A product's `price`: an amount of zero or more that must be given. */
export const requiredMoney = required(moneyInput, (value, ctx) => normalizeMoney(value, ctx, false));
