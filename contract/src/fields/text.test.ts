import { describe, expect, it } from "vitest";
import { firstMessage as messageOf } from "../test-support";
import { optionalCurrency, optionalLongText, optionalText, optionalUrl, requiredTagSet, requiredText, tagSet } from "./text";

describe("text", () => {
  it("trims, and takes null and blanks as not set", () => {
    expect(optionalText.parse("  Запись ")).toBe("Запись");
    expect(optionalText.parse("")).toBeUndefined();
    expect(optionalText.parse(" \t\n")).toBeUndefined();
    expect(optionalText.parse(null)).toBeUndefined();
  });

  it("keeps the caller's spelling otherwise", () => {
    expect(optionalText.parse("Запись  на  ПРИЁМ")).toBe("Запись  на  ПРИЁМ");
    expect(optionalLongText.parse("строка 1\r\n\tстрока 2")).toBe("строка 1\r\n\tстрока 2");
  });

  it("refuses control characters, which no CRM means: a NUL, an escape, DEL", () => {
    expect(messageOf(optionalText, "Запись\u0000")).toBe("must not contain control characters (U+0000 at position 7)");
    expect(messageOf(optionalLongText, "a\u001b[31mb")).toBe("must not contain control characters (U+001B at position 2)");
    expect(messageOf(tagSet, ["ok", "x\u007f"])).toBe("must not contain control characters (U+007F at position 2)");
    expect(messageOf(optionalText, "\u0098")).toBe("must not contain control characters (U+0098 at position 1)");
  });

  it("holds text to its limit, counted after trimming", () => {
    expect(optionalText.parse(` ${"я".repeat(255)} `)).toHaveLength(255);
    expect(messageOf(optionalText, "я".repeat(256))).toBe("at most 255 characters, got 256");
    expect(optionalLongText.parse("я".repeat(10_000))).toHaveLength(10_000);
    expect(messageOf(optionalLongText, "я".repeat(10_001))).toBe("at most 10000 characters, got 10001");
  });

  it("says what is wrong with a value of another type, or a missing required one", () => {
    expect(messageOf(optionalText, 5)).toBe("expected a string, got a number");
    expect(messageOf(optionalText, ["a"])).toBe("expected a string, got an array");
    expect(messageOf(requiredText, undefined)).toBe("required: expected a string");
    expect(messageOf(requiredText, "  ")).toBe("must not be empty");
  });

  it("keeps tags once each, trimmed, without blanks", () => {
    expect(tagSet.parse(["Тег1", " Тег1 ", "", null, "Тег2"])).toStrictEqual(["Тег1", "Тег2"]);
    expect(tagSet.parse(["", " "])).toBeUndefined();
    expect(
      messageOf(
        tagSet,
        Array.from({ length: 101 }, (_, i) => `t${i}`),
      ),
    ).toBe("at most 100 items");
    expect(messageOf(requiredTagSet, [""])).toBe("must list at least one value");
  });

  it("lower-cases a currency code", () => {
    expect(optionalCurrency.parse(" RUB ")).toBe("rub");
    expect(messageOf(optionalCurrency, "рубли")).toBe('expected a 3-letter ISO 4217 currency code (rub, usd), got "рубли"');
  });

  it("takes an absolute http(s) link as written", () => {
    expect(optionalUrl.parse(" https://crm.example.ru/deal/123?tab=1 ")).toBe("https://crm.example.ru/deal/123?tab=1");
    expect(optionalUrl.parse("http://crm.local/deal/1")).toBe("http://crm.local/deal/1");
    for (const bad of ["crm.example.ru/deal/1", "/deal/1", "javascript:alert(1)", "ftp://crm.example.ru/1"]) {
      expect(messageOf(optionalUrl, bad)).toBe("expected an absolute http(s) URL (https://crm.example.ru/deal/123)");
    }
    expect(messageOf(optionalUrl, `https://crm.example.ru/${"a".repeat(2048)}`)).toBe("at most 2048 characters, got 2071");
  });
});
