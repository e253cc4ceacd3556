import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { z } from "zod";
import { LIMITS } from "../limits";
import { type Ctx, expected, fail, optional, optionalSet, string } from "./field";

/**
 * Numbers written without a country code are read as numbers of this region.
 *
 * @example "8 915 777-11-22" is read as +7 915 777-11-22 because DEFAULT_PHONE_REGION is "RU"
 */
export const DEFAULT_PHONE_REGION = "RU";

/**
 * Parses a phone number in any mask (`8 915 777-11-22`, `+7 (915) 777-11-22`, `79157771122`) and returns
 * it in E.164 digits without the `+`, the form Calltouch stores. It uses libphonenumber-js with its full
 * ("max") metadata: the default metadata only checks lengths and would take a Russian number missing a
 * digit (`7915777112`) for a valid Kazakh one. An extension (`доб. 12`) is dropped: leads are found by
 * the line, not the extension. Messages do not repeat the number, which is personal data.
 *
 * @example normalizePhone("8 915 777-11-22", ctx) // "79157771122"
 * @example normalizePhone("+380 50 123 4567", ctx) // "380501234567"
 */
export function normalizePhone(value: string | number, ctx: Ctx): string {
  return (
    canonicalPhone(String(value)) ??
    fail(ctx, `not a valid phone number for region ${DEFAULT_PHONE_REGION}; write a foreign number with + and its country code`)
  );
}

/**
 * Parsing takes libphonenumber-js some microseconds, the largest cost of validating an order, and the
 * same phones come back with every update, retry and re-sent export of a deal: recent answers are kept,
 * as many as {@link REMEMBERED_PHONES} of them, each of a length a phone field plausibly has.
 */
const remembered = new Map<string, string | null>();
const REMEMBERED_PHONES = 4096;
const REMEMBERED_LENGTH = 64;

function canonicalPhone(text: string): string | null {
  let canonical = remembered.get(text);
  if (canonical === undefined) {
    const phone = parsePhoneNumberFromString(text, DEFAULT_PHONE_REGION);
    canonical = phone?.isValid() ? phone.number.slice(1) : null;
    if (remembered.size >= REMEMBERED_PHONES) remembered.clear();
    if (text.length <= REMEMBERED_LENGTH) remembered.set(text, canonical);
  }
  return canonical;
}

const phoneInput = z.union([string, z.int()], { error: expected("a phone number as a string") });

/**
 * One phone, or not set.
 *
 * @example optionalPhone.parse("+7 (915) 777-11-22") // "79157771122"
 */
export const optionalPhone = optional(phoneInput, normalizePhone);

/**
 * A list of phones: blanks dropped, repeats (in any mask) kept once.
 *
 * @example phoneSet.parse(["8 915 777-11-22", "+79157771122"]) // ["79157771122"]
 */
export const phoneSet = optionalSet(phoneInput, normalizePhone, LIMITS.contacts);
