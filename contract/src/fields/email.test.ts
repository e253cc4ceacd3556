import { describe, expect, it } from "vitest";
import * as z from "zod";
import { firstMessage } from "../test-support";
import { canonicalEmail, emailSet, optionalEmail } from "./email";

const invalid = "not a valid e-mail address (name@example.com)";
const messageOf = (value: unknown) => firstMessage(optionalEmail, value);

describe("e-mails", () => {
  it("trims and lower-cases", () => {
    expect(optionalEmail.parse(" Name@Server.COM ")).toBe("name@server.com");
    expect(optionalEmail.parse("first.last+tag@sub.example.ru")).toBe("first.last+tag@sub.example.ru");
  });

  it("takes null and blanks as not set", () => {
    expect(optionalEmail.parse(null)).toBeUndefined();
    expect(optionalEmail.parse(" ")).toBeUndefined();
  });

  it.each(["name", "name@", "@server.com", "name@server", "name @server.com", "a@b@c.ru", "имя@почта.рф"])("refuses %j", (input) => {
    expect(messageOf(input)).toBe(invalid);
  });

  it("refuses an address longer than SMTP allows", () => {
    expect(messageOf(`${"a".repeat(64)}@${"b".repeat(190)}.ru`)).toBe(invalid);
  });

  it("keeps a list's addresses once each, in order, without blanks", () => {
    expect(emailSet.parse(["name@server.com", "", "NAME@server.com", "234234@test.com"])).toStrictEqual([
      "name@server.com",
      "234234@test.com",
    ]);
    expect(emailSet.safeParse(["a@b.ru", "nope"]).error?.issues).toMatchObject([{ path: [1], message: invalid }]);
  });
});

describe("the e-mail pattern", () => {
  it("is zod's", () => {
    for (const address of [
      "name@server.com",
      "a.b+c@d-e.xn--p1ai",
      "name@server",
      "a..b@c.ru",
      ".a@b.ru",
      "a@b.c",
      "a_b'c@d.ru",
      "имя@почта.рф",
    ]) {
      expect(canonicalEmail(address) !== undefined, address).toBe(z.regexes.email.test(address));
    }
  });
});
