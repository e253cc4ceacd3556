// The package's ES2015+ build of its "core" functions: the same code without the helpers Babel adds for older
// engines, a copy per file; 2.3 KiB less of the gzipped Worker (bench/size.ts).
import { Metadata, type MetadataJson, ParseError, parsePhoneNumberWithError } from "libphonenumber-js/core/es6";
import { LIMITS } from "../limits";
import * as z from "../zod";
import { type Ctx, expected, fail, optional, optionalSet, string } from "./field";
import phoneMetadata from "./phone-metadata.json";
import { say } from "./say";

/**
 * Numbers written without a country code are read as numbers of this region.
 *
 * @example "8 915 777-11-22" is read as +7 915 777-11-22 because DEFAULT_PHONE_REGION is "RU"
 */
export const DEFAULT_PHONE_REGION = "RU";

/**
 * libphonenumber-js's full ("max") metadata for the countries the gateway accepts (Russia, the CIS,
 * Ukraine, Georgia, Germany: `contract/scripts/select-phone-metadata.ts`, which generates the file from
 * the pinned package). Full, because the default metadata only checks lengths and would take a Russian
 * number missing a digit (`7915777112`) for a valid Kazakh one; a selection, because the whole world's
 * is 39 KiB gzipped, a third of the Worker it was in. phone-metadata.test.ts proves the same answers as
 * the whole world's on numbers of these countries.
 */
const metadata = phoneMetadata as unknown as MetadataJson;

/** The calling codes of {@link metadata}, as a refusal lists them: "+7, +49, +373, …". */
const ACCEPTED_CODES = Object.keys(metadata.country_calling_codes)
  .map((code) => `+${code}`)
  .join(", ");

/** What {@link phoneAnswer} answers for a number whose calling code {@link metadata} does not know. */
const UNCOVERED = Symbol("a country the gateway does not accept");

/**
 * Parses a phone number in any mask (`8 915 777-11-22`, `+7 (915) 777-11-22`, `79157771122`) and returns
 * it in E.164 digits without the `+`, the form Calltouch stores. An extension (`доб. 12`) is dropped:
 * leads are found by the line, not the extension. A number of a country outside {@link metadata} is
 * refused with the codes that are accepted. Messages do not repeat the number, which is personal data.
 *
 * @example normalizePhone("8 915 777-11-22", ctx) // "79157771122"
 * @example normalizePhone("+380 50 123 4567", ctx) // "380501234567"
 * @example normalizePhone("+1 212 555 1234", ctx) // fails: "not a phone number of a country the gateway accepts (country codes +7, +49, …)"
 */
export function normalizePhone(value: string | number, ctx: Ctx): string {
  const canonical = phoneAnswer(String(value));
  if (canonical === UNCOVERED) {
    return fail(
      ctx,
      say(
        `not a phone number of a country the gateway accepts (country codes ${ACCEPTED_CODES})`,
        `номер не из страны, которую принимает шлюз (коды стран ${ACCEPTED_CODES})`,
      ),
    );
  }
  return (
    canonical ??
    fail(
      ctx,
      say(
        `not a valid phone number for region ${DEFAULT_PHONE_REGION}; write a foreign number with + and its country code`,
        `неверный номер телефона для региона ${DEFAULT_PHONE_REGION}; иностранный номер пишите с + и кодом страны`,
      ),
    )
  );
}

/**
 * Russian mobile numbers, most of what CRMs send, take {@link russianMobile}'s shortcut. Any other number
 * takes libphonenumber-js's full parse, several microseconds: its recent answers are kept, as many as
 * {@link REMEMBERED_PHONES} of them, each of a length a phone field plausibly has, for the phones that
 * come back with every update, retry and re-sent export of a deal. Shortcut answers are not kept: they
 * cost less than remembering them, whose entries outlive young-generation collections.
 */
const remembered = new Map<string, string | typeof UNCOVERED | null>();
const REMEMBERED_PHONES = 4096;
const REMEMBERED_LENGTH = 64;

/**
 * A phone number in E.164 digits without the `+`, or `null` when it is not a valid number of a country
 * the gateway accepts: what {@link normalizePhone} checks, for callers that say the problem in words of
 * their own.
 *
 * @example canonicalPhone("8 915 777-11-22") // "79157771122"; canonicalPhone("12") // null; canonicalPhone("+1 212 555 1234") // null
 */
export function canonicalPhone(text: string): string | null {
  const answer = phoneAnswer(text);
  return answer === UNCOVERED ? null : answer;
}

/** The number's E.164 digits; {@link UNCOVERED} for a country the gateway does not accept; `null` if it is not a valid number. */
function phoneAnswer(text: string): string | typeof UNCOVERED | null {
  const mobile = russianMobile(text);
  if (mobile !== undefined) return mobile;
  let canonical = remembered.get(text);
  if (canonical === undefined) {
    canonical = fullParse(text);
    if (remembered.size >= REMEMBERED_PHONES) remembered.clear();
    if (text.length <= REMEMBERED_LENGTH) remembered.set(text, canonical);
  }
  return canonical;
}

function fullParse(text: string): string | typeof UNCOVERED | null {
  try {
    const phone = parsePhoneNumberWithError(text, DEFAULT_PHONE_REGION, metadata);
    return phone.isValid() ? phone.number.slice(1) : null;
  } catch (error) {
    // libphonenumber-js's own code for a calling code its metadata lacks (`+1 …`, `810 1 …`), or one no
    // country has (`+999`): neither is a number of a country the gateway accepts.
    if (error instanceof ParseError && error.message === "INVALID_COUNTRY") return UNCOVERED;
    if (error instanceof ParseError) return null;
    throw error;
  }
}

/** A Russian mobile number in the masks CRMs use: +7, 7, 8 or nothing, then 9 and nine digits. */
const RUSSIAN_MOBILE_SHAPE = /^(?:\+7|7|8)?(9\d{9})$/;
const MASK = /[\s().-]/g;

/**
 * libphonenumber-js's own pattern of Russian mobile numbers, read from the metadata it validates with, so
 * that the shortcut and the full parse accept the same numbers (phone.test.ts compares them number by
 * number). `type()` is the metadata's API but missing from the package's typings.
 */
const RUSSIAN_MOBILE = (() => {
  const russia = new Metadata(metadata);
  russia.selectNumberingPlan(DEFAULT_PHONE_REGION);
  const plan = russia.numberingPlan as unknown as { type(type: "MOBILE"): { pattern(): string } };
  return new RegExp(`^(?:${plan.type("MOBILE").pattern()})$`);
})();

/**
 * The canonical form of a Russian mobile number, found without a full parse (a tenth of its cost); or
 * `undefined` for anything else, which the full parse decides. +7 numbers that start with 9 are Russian
 * (Kazakhstan's start with 6 or 7), and such a number is valid exactly when it matches the mobile pattern.
 *
 * @example russianMobile("8 (915) 777-11-22") // "79157771122"; russianMobile("+7 495 333-88-77") // undefined
 */
export function russianMobile(text: string): string | undefined {
  const national = RUSSIAN_MOBILE_SHAPE.exec(text.replace(MASK, ""))?.[1];
  return national !== undefined && RUSSIAN_MOBILE.test(national) ? `7${national}` : undefined;
}

// A phone as a JSON number is digits without their +: a positive whole number, which the schema says too.
const phoneInput = z.union(
  [
    string,
    z.int().check(
      z.minimum(1, {
        error: () => say("not a valid phone number: send it as a string", "неверный номер телефона: передайте его строкой"),
      }),
    ),
  ],
  { error: expected("a phone number as a string", "номер телефона строкой") },
);

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
