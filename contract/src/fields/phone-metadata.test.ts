import examples from "libphonenumber-js/examples.mobile.json";
import { getCountryCallingCode, ParseError, parsePhoneNumberWithError } from "libphonenumber-js/max";
import full from "libphonenumber-js/metadata.max.json";
import { describe, expect, it } from "vitest";
import { PHONE_COUNTRIES, selectPhoneMetadata } from "../../scripts/select-phone-metadata";
import { firstMessage } from "../test-support";
import { DEFAULT_PHONE_REGION, optionalPhone } from "./phone";
import phoneMetadata from "./phone-metadata.json";

const invalid = "not a valid phone number for region RU; write a foreign number with + and its country code";
const uncovered =
  "not a phone number of a country the gateway accepts (country codes +7, +49, +373, +374, +375, +380, +992, +993, +994, +995, +996, +998)";

/** What the contract answers for `text`: the canonical digits, or the message of its refusal. */
const contractAnswer = (text: string) => optionalPhone.safeParse(text).data ?? firstMessage(optionalPhone, text);

const coveredCodes = Object.keys(phoneMetadata.country_calling_codes);

/**
 * What the contract must answer, found with the whole world's metadata (what it validated with before
 * the selection), and whether the whole world's metadata takes `text` for a valid number. A number of a
 * calling code outside the selection is refused as of a country the gateway does not accept, and so is
 * one that has no country at all (`+999 …`; `8 10 26`: Russia's international prefix, then no code).
 */
function wholeWorld(text: string): { answer: string; valid: boolean } {
  try {
    const phone = parsePhoneNumberWithError(text, DEFAULT_PHONE_REGION);
    const valid = phone.isValid();
    if (!coveredCodes.includes(phone.countryCallingCode)) return { answer: uncovered, valid };
    return { answer: valid ? phone.number.slice(1) : invalid, valid };
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    return { answer: error.message === "INVALID_COUNTRY" ? uncovered : invalid, valid: false };
  }
}

/** The ways CRMs and people write a number of calling code `code` with national digits `n`. */
const masks = [
  (code: string, n: string) => `+${code}${n}`,
  (code: string, n: string) => `+${code} ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6, 8)} ${n.slice(8)}`.trim(),
  (code: string, n: string) => `+${code} (${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6)}`,
  // Russia's international prefix: what a number dialled from Russia looks like.
  (code: string, n: string) => `8 10 ${code} ${n}`,
  // Without a +: read as a Russian number, right or wrong.
  (code: string, n: string) => `${code}${n}`,
  (_code: string, n: string) => n,
  (_code: string, n: string) => `8${n}`,
  (code: string, n: string) => `+${code}${n} доб. 12`,
  (code: string, n: string) => `+${code}-${n} ext. 5`,
  (code: string, n: string) => `tel:+${code}${n}`,
];

/** A fixed pseudo-random digit string, so that a failure names a number that comes back on every run. */
const digits = (length: number, seed: number) => {
  let text = "";
  for (let state = seed; text.length < length; state = (state * 1103515245 + 12345) % 2 ** 31) text += String(state % 10);
  return text;
};

describe("the phone metadata", () => {
  it("is what contract/scripts/phone-metadata.ts writes from the installed libphonenumber-js", () => {
    // Fails after an upgrade of libphonenumber-js or a change of the country list until the script is run again.
    expect(phoneMetadata).toStrictEqual(selectPhoneMetadata(full));
    for (const country of PHONE_COUNTRIES) expect(coveredCodes).toContain(getCountryCallingCode(country));
  });

  it("answers as the whole world's metadata on numbers of every accepted calling code, valid and not, in every mask", {
    timeout: 60_000,
  }, () => {
    const valid = new Map<string, number>();
    let count = 0;
    const check = (code: string, national: string, maskIndexes: number[]) => {
      for (const index of maskIndexes) {
        const text = masks[index % masks.length]!(code, national);
        const expected = wholeWorld(text);
        expect(contractAnswer(text), text).toBe(expected.answer);
        count++;
        if (expected.valid && expected.answer !== uncovered) valid.set(code, (valid.get(code) ?? 0) + 1);
      }
    };
    // Every calling code, national numbers of 4 to 13 digits whose first three digits walk 000–999: the
    // assigned ranges of each country and the unassigned ones between them, short, long and right.
    for (const code of coveredCodes) {
      for (let length = 4; length <= 13; length++) {
        for (let prefix = 0; prefix < 1000; prefix += 3) {
          check(code, (String(prefix).padStart(3, "0") + digits(length, prefix * 31 + length)).slice(0, length), [
            prefix + length,
            prefix + 2 * length + 5,
          ]);
        }
      }
    }
    // +7, most of what the gateway sees, closer: ten digits whose first four walk 0000–9999 (Russia's and
    // Kazakhstan's area and mobile codes).
    for (let prefix = 0; prefix < 10_000; prefix += 3) {
      check("7", String(prefix).padStart(4, "0") + digits(6, prefix), [prefix]);
    }
    expect(count).toBeGreaterThan(80_000);
    // The sample holds valid numbers of every calling code, not only refusals.
    for (const code of coveredCodes) expect(valid.get(code) ?? 0, `valid numbers of +${code}`).toBeGreaterThan(50);
    expect(valid.get("7")).toBeGreaterThan(500);
  });

  it("refuses every number of another country, naming the accepted codes", { timeout: 60_000 }, () => {
    // Each country's example mobile number with varied last digits, most of them valid numbers as the
    // whole world's metadata judges them: none is accepted.
    let refusedValid = 0;
    for (const [country, example] of Object.entries(examples)) {
      const code = getCountryCallingCode(country as keyof typeof examples);
      if (coveredCodes.includes(code)) continue;
      for (let ending = 0; ending < 100; ending += 9) {
        const national = example.slice(0, -2) + String(ending).padStart(2, "0");
        for (const mask of [masks[0]!, masks[2]!, masks[3]!, masks[9]!]) {
          const text = mask(code, national);
          const expected = wholeWorld(text);
          expect(contractAnswer(text), text).toBe(expected.answer);
          if (expected.valid) refusedValid++;
        }
      }
    }
    expect(refusedValid).toBeGreaterThan(3000);
  });

  it("refuses other countries' numbers, non-geographic ones and a calling code no country has alike", () => {
    for (const text of [
      "+1 212 555 1234",
      "+44 20 7946 0958",
      "810 1 212 555 1234",
      "+800 1234 5678",
      "+882 1234 5678 90",
      "+999 123 45 67",
      "+288 1234 5678",
    ]) {
      expect(contractAnswer(text), text).toBe(uncovered);
    }
  });
});
