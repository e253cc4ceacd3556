import { describe, expect, it } from "vitest";
import { visitorOf } from "./visitor";

describe("visitorOf", () => {
  it("counts an IPv6 visitor by its /64: rotating within it changes nothing", () => {
    const rotated = ["2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:DB8:1:2:0:0:0:7", "2001:0db8:0001:0002:abcd::"];
    expect(new Set(rotated.map(visitorOf))).toEqual(new Set(["2001:db8:1:2::/64"]));
    expect(visitorOf("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(visitorOf("::1")).toBe("0:0:0:0::/64");
  });

  it("counts an IPv4 visitor by its address, however it is written", () => {
    expect(visitorOf("203.0.113.7")).toBe("203.0.113.7");
    expect(visitorOf("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(visitorOf("::FFFF:cb00:7107")).toBe("203.0.113.7");
    expect(visitorOf("203.0.113.8")).not.toBe(visitorOf("203.0.113.7"));
  });

  it("puts what is no address into one shared bucket", () => {
    for (const junk of ["", "example.com", "1.2.3.4.5", "2001:db8::1::2", "[::1]", "203.0.113.7, 198.51.100.1", "x".repeat(10_000)]) {
      expect(["invalid", "unknown"]).toContain(visitorOf(junk));
    }
    expect(visitorOf(undefined)).toBe("unknown");
  });
});
