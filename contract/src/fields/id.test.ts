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
