import { describe, expect, it } from "vitest";
import { firstMessage as messageOf } from "../test-support";
import { optionalMoney, optionalSignedMoney, requiredMoney } from "./money";

describe("money", () => {
  it.each([
    [1000, "1000.00"],
    ["1000", "1000.00"],
    ["1000.5", "1000.50"],
    ["1000.50", "1000.50"],
    [1000.1, "1000.10"],
    [0.07, "0.07"],
    [0, "0.00"],
    [-0, "0.00"],
    ["-0.00", "0.00"],
    ["007.5", "7.50"],
    [" 42 ", "42.00"],
    [999_999_999_999_999, "999999999999999.00"],
  ])("formats %j as %j, from its decimal text", (input, money) => {
    expect(optionalMoney.parse(input)).toBe(money);
  });

  it("takes null and blanks as not set", () => {
    expect(optionalMoney.parse(null)).toBeUndefined();
    expect(optionalMoney.parse("")).toBeUndefined();
    expect(optionalMoney.parse(" ")).toBeUndefined();
  });

  it("never rounds: more than two decimal places is an error, float artefacts included", () => {
    expect(messageOf(optionalMoney, "10.005")).toBe(
      "more than 2 decimal places in 10.005: round the amount before sending it, money is never rounded here",
    );
    expect(messageOf(optionalMoney, 0.1 + 0.2)).toBe(
      "more than 2 decimal places in 0.30000000000000004: round the amount before sending it, money is never rounded here",
    );
    expect(messageOf(optionalMoney, 1e-7)).toBe('expected an amount like 1000, 1000.5 or 1000.50, got "1e-7"');
  });

  it("refuses a decimal comma and thousands separators, saying how to write it", () => {
    expect(messageOf(optionalMoney, "1000,50")).toBe(
      'use a dot as the decimal separator and no thousands separator (1000.50), got "1000,50"',
    );
    expect(messageOf(optionalMoney, "1,000.50")).toBe(
      'use a dot as the decimal separator and no thousands separator (1000.50), got "1,000.50"',
    );
    expect(messageOf(optionalMoney, "1 000")).toBe('expected an amount like 1000, 1000.5 or 1000.50, got "1 000"');
  });

  it.each(["abc", "10 руб", "+10", ".5", "5.", "1e3", "0x10", "Infinity", "NaN"])("refuses %j", (input) => {
    expect(messageOf(optionalMoney, input)).toBe(`expected an amount like 1000, 1000.5 or 1000.50, got "${input}"`);
  });

  it("refuses what is not a number or a string, NaN and Infinity", () => {
    const notAnAmount = "expected an amount: a number or a decimal string (1000.50), got";
    expect(messageOf(optionalMoney, true)).toBe(`${notAnAmount} a boolean`);
    expect(messageOf(optionalMoney, { amount: 1 })).toBe(`${notAnAmount} an object`);
    expect(messageOf(optionalMoney, Number.NaN)).toBe(`${notAnAmount} a number`);
    expect(messageOf(optionalMoney, Number.POSITIVE_INFINITY)).toBe(`${notAnAmount} a number`);
  });

  it("refuses amounts a JSON number could not hold to the cent", () => {
    expect(messageOf(optionalMoney, "1234567890123456")).toBe("amount too large: 1234567890123456 (at most 15 digits before the point)");
    expect(messageOf(optionalMoney, 1e21)).toBe('expected an amount like 1000, 1000.5 or 1000.50, got "1e+21"');
  });

  it("allows a negative amount only where it means something (margin)", () => {
    expect(messageOf(optionalMoney, -1)).toBe("must not be negative, got -1");
    expect(messageOf(requiredMoney, "-0.01")).toBe("must not be negative, got -0.01");
    expect(optionalSignedMoney.parse(-12.3)).toBe("-12.30");
    expect(optionalSignedMoney.parse("-0")).toBe("0.00");
  });

  it("requires a price when one is required", () => {
    expect(requiredMoney.parse(500.25)).toBe("500.25");
    expect(messageOf(requiredMoney, "")).toBe("must not be empty");
    expect(messageOf(requiredMoney, null)).toBe("expected an amount: a number or a decimal string (1000.50), got null");
    expect(messageOf(requiredMoney, undefined)).toBe("required: expected an amount: a number or a decimal string (1000.50)");
  });
});
