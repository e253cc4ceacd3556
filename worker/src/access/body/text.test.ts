import { describe, expect, it } from "vitest";
import { BOM, bytes, WORD } from "../../../test/charsets";
import { charsetOf, decodeText } from "./text";

describe("charsetOf", () => {
  it("knows UTF-8 and the Cyrillic charsets by any of their labels, and nothing else", () => {
    expect(charsetOf("UTF-8")).toBe("utf-8");
    expect(charsetOf(" cp1251")).toBe("windows-1251");
    expect(charsetOf("KOI8-R")).toBe("koi8-r");
    expect(charsetOf("cp866")).toBe("ibm866");
    for (const label of ["latin1", "iso-8859-1", "utf-16le", "gbk", "", "x"]) expect(charsetOf(label)).toBeUndefined();
  });
});

describe("decodeText", () => {
  it("reads each charset's bytes as the same word, and drops a UTF-8 byte order mark", () => {
    for (const [charset, word] of Object.entries(WORD))
      expect(decodeText(bytes(word), charsetOf(charset)!)).toEqual({ ok: true, value: "Запись" });
    expect(decodeText(bytes(BOM, "{}"), "utf-8")).toEqual({ ok: true, value: "{}" });
  });

  it("refuses bytes that are no text in the charset, never replacing them", () => {
    expect(decodeText(bytes(WORD["windows-1251"]), "utf-8")).toEqual({ ok: false, error: "invalid" });
    expect(decodeText(bytes([0x41, 0xc0, 0x80]), "utf-8")).toEqual({ ok: false, error: "invalid" }); // an overlong encoding
    expect(decodeText(bytes([0xed, 0xa0, 0x80]), "utf-8")).toEqual({ ok: false, error: "invalid" }); // an encoded surrogate
  });

  it("refuses UTF-8 declared as a single-byte charset, which would decode into mojibake without an error", () => {
    expect(decodeText(bytes(WORD["utf-8"]), "windows-1251")).toEqual({ ok: false, error: "mislabelled" });
    expect(decodeText(bytes(BOM, "{}"), "koi8-r")).toEqual({ ok: false, error: "mislabelled" });
    // ASCII is the same in all of them.
    expect(decodeText(bytes('{"a":1}'), "windows-1251")).toEqual({ ok: true, value: '{"a":1}' });
  });
});
