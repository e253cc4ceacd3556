import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { describe, expect, it } from "vitest";
import { firstMessage } from "../test-support";
import { DEFAULT_PHONE_REGION, optionalPhone, phoneSet, russianMobile } from "./phone";

const invalid = "not a valid phone number for region RU; write a foreign number with + and its country code";
const messageOf = (value: unknown) => firstMessage(optionalPhone, value);

describe("phones", () => {
  it.each([
    ["79157771122", "79157771122"],
    ["+79009991122", "79009991122"],
    ["8 915 777-11-22", "79157771122"],
    ["+7 (915) 777-11-22", "79157771122"],
    ["8(915)7771122", "79157771122"],
    ["9157771122", "79157771122"],
    [" 8-800-555-35-35 ", "78005553535"],
    ["+7 495 333-88-77", "74953338877"],
    [79157771122, "79157771122"],
    ["+7 701 234 5678", "77012345678"],
    ["8 701 234 5678", "77012345678"],
    ["+380 50 123 4567", "380501234567"],
    ["+49 30 1234567", "49301234567"],
    ["79157771122 доб. 123", "79157771122"],
  ])("reads %j as %j", (input, phone) => {
    expect(optionalPhone.parse(input)).toBe(phone);
  });

  it.each([
    "7915777112", // a Russian mobile missing a digit: the length-only metadata would take it for Kazakh
    "12345",
    "+7 123 456 78 90",
    "380501234567", // a foreign number without its +
    "абв",
    "79157771122334455",
  ])("refuses %j without repeating it", (input) => {
    expect(messageOf(input)).toBe(invalid);
  });

  it("refuses what is not a phone's type", () => {
    expect(messageOf(true)).toBe("expected a phone number as a string, got a boolean");
    expect(messageOf(7.5)).toBe("expected a phone number as a string, got a number");
  });

  it("answers the same for the same phone, remembered or not", () => {
    expect(optionalPhone.parse("8 (999) 123-45-67")).toBe("79991234567");
    expect(optionalPhone.parse("8 (999) 123-45-67")).toBe("79991234567");
    expect(messageOf("8 (999) 123-45")).toBe(invalid);
    expect(messageOf("8 (999) 123-45")).toBe(invalid);
  });

  it("keeps a list's phones once each, in order, without blanks", () => {
    expect(phoneSet.parse(["8 915 777-11-22", "", null, "+79009991122", "+7 (915) 777-11-22"])).toStrictEqual([
      "79157771122",
      "79009991122",
    ]);
    expect(phoneSet.parse([null, " "])).toBeUndefined();
    expect(phoneSet.parse([])).toBeUndefined();
    expect(phoneSet.parse(null)).toBeUndefined();
  });

  it("names the bad item of a list, and holds a list to 20", () => {
    expect(phoneSet.safeParse(["89157771122", "12"]).error?.issues).toMatchObject([{ path: [1], message: invalid }]);
    expect(
      firstMessage(
        phoneSet,
        Array.from({ length: 21 }, (_, i) => `+7915777${1000 + i}`),
      ),
    ).toBe("at most 20 items");
    expect(firstMessage(phoneSet, "89157771122")).toBe("expected a list, got a string");
  });
});

describe("the shortcut for Russian mobile numbers", () => {
  /** What the full parse answers, as canonicalPhone would. */
  const fullParse = (text: string) => {
    const phone = parsePhoneNumberFromString(text, DEFAULT_PHONE_REGION);
    return phone?.isValid() ? phone.number.slice(1) : null;
  };
  const masks = [
    (d: string) => `+7${d}`,
    (d: string) => `8${d}`,
    (d: string) => `7${d}`,
    (d: string) => d,
    (d: string) => `8 (${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}`,
    (d: string) => `+7 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6, 8)} ${d.slice(8)}`,
  ];

  // 100,000 blocks in six masks take seconds, more beside phone-metadata.test.ts on a busy machine.
  it("agrees with the full parse on every 9xx block, valid and not, in every mask", { timeout: 60_000 }, () => {
    // Validity depends on the leading digits: walk the first five after the 9 (100,000 blocks, among them
    // the unassigned 93x ranges) with varied trailing digits.
    let shortcuts = 0;
    for (let block = 0; block < 100_000; block += 7) {
      const national = `9${String(block).padStart(5, "0")}${String((block * 7919) % 10_000).padStart(4, "0")}`;
      for (const mask of masks) {
        const text = mask(national);
        const fast = russianMobile(text);
        if (fast !== undefined) {
          shortcuts++;
          expect(fast, text).toBe(fullParse(text));
        }
      }
    }
    expect(shortcuts).toBeGreaterThan(50_000);
  });

  it("leaves everything else to the full parse", () => {
    for (const text of [
      "+7 495 333-88-77",
      "8 800 555 35 35",
      "+7 701 234 5678",
      "7915777112",
      "+79157771122 доб. 1",
      "+380501234567",
      "9 915 777 11 22",
    ]) {
      expect(russianMobile(text), text).toBeUndefined();
    }
  });
});
