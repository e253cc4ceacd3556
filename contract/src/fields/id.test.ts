import { describe, expect, it } from "vitest";
import { firstMessage as messageOf } from "../test-support";
import { md5Set, optionalCalltouchId, optionalDigits, optionalTgUsername, orderNumber } from "./id";

describe("ids", () => {
  it("takes orderNumber as a trimmed string or an integer", () => {
    expect(orderNumber.parse(" УникальныйIDсделки2 ")).toBe("УникальныйIDсделки2");
    expect(orderNumber.parse(42)).toBe("42");
    expect(messageOf(orderNumber, "")).toBe("must not be empty");
    expect(messageOf(orderNumber, undefined)).toBe("required: expected the CRM's deal id: a string or an integer");
    expect(messageOf(orderNumber, 4.2)).toBe("expected the CRM's deal id: a string or an integer, got a number");
    expect(messageOf(orderNumber, "x".repeat(256))).toBe("at most 255 characters, got 256");
  });

  it("takes a Calltouch id as a positive integer or a string of digits, and sends a number", () => {
    expect(optionalCalltouchId.parse(123456)).toBe(123456);
    expect(optionalCalltouchId.parse(" 123456 ")).toBe(123456);
    for (const bad of [0, -1, "12a", "1.5", "99999999999999999999"]) {
      expect(messageOf(optionalCalltouchId, bad)).toBe(`expected a positive integer Calltouch id (123456), got ${JSON.stringify(bad)}`);
    }
    expect(messageOf(optionalCalltouchId, 1.5)).toBe("expected a Calltouch id: a positive integer or a string of digits, got a number");
  });

  it("takes session, Telegram and VK ids as digits, and sends a string", () => {
    expect(optionalDigits.parse(1234567)).toBe("1234567");
    expect(optionalDigits.parse(" 1234567 ")).toBe("1234567");
    expect(messageOf(optionalDigits, "GA1.2.3")).toBe('expected an id of digits only (1234567), got "GA1.2.3"');
    expect(messageOf(optionalDigits, -5)).toBe("expected an id of digits only (1234567), got -5");
  });

  it("lower-cases MD5 hashes and refuses anything else", () => {
    expect(md5Set.parse(["4FEC00B25336E719D4A0B255EA5AA0F5"])).toStrictEqual(["4fec00b25336e719d4a0b255ea5aa0f5"]);
    expect(messageOf(md5Set, ["79157771122"])).toBe("expected an MD5 hash: 32 hexadecimal digits");
  });

  it("takes Telegram usernames with or without @", () => {
    expect(optionalTgUsername.parse(" @user_1 ")).toBe("@user_1");
    expect(optionalTgUsername.parse("user_1")).toBe("user_1");
    expect(messageOf(optionalTgUsername, "t.me/user")).toBe("expected a Telegram username: letters, digits and _ (@username)");
  });
});

describe("orderNumber's hygiene", () => {
  it("NFC-normalizes, so that a letter typed as a base and a combining mark is the same deal", () => {
    const decomposed = "Заказ-и\u0306";
    expect(decomposed).not.toBe("Заказ-й");
    expect(orderNumber.parse(decomposed)).toBe("Заказ-й");
  });

  it.each([
    ["a newline", "42\n43", "U+000A at position 3"],
    ["a NUL", "42\u0000", "U+0000 at position 3"],
    ["a zero-width space", "4\u200B2", "U+200B at position 2"],
    ["a right-to-left override", "\u202E24", "U+202E at position 1"],
    ["a soft hyphen", "4\u00AD2", "U+00AD at position 2"],
    ["a line separator", "4\u20282", "U+2028 at position 2"],
    ["a lone surrogate", "4\uD8002", "U+D800 at position 2"],
    ["a Hangul filler", "4\u31642", "U+3164 at position 2"],
    ["a byte order mark", "42\uFEFF43", "U+FEFF at position 3"],
  ])("refuses %s, naming the character and where it is", (_, value, where) => {
    expect(messageOf(orderNumber, value)).toBe(`must not contain control or invisible characters (${where})`);
  });

  it("echoes at most 40 characters of a bad value, and says how long it was", () => {
    const message = messageOf(optionalDigits, "x".repeat(100_000))!;
    expect(message.length).toBeLessThan(120);
    expect(message).toContain("(100000 characters)");
  });
});
