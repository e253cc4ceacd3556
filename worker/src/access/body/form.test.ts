import { describe, expect, it } from "vitest";
import { bytes, percentEncoded, WORD } from "../../../test/charsets";
import { multipartFields, urlEncodedFields } from "./form";

describe("form fields", () => {
  it("reads an urlencoded form in UTF-8, in its declared charset, or in the charset its _charset_ field names", () => {
    expect(urlEncodedFields(bytes(`status=${percentEncoded(WORD["utf-8"])}&a+b=c+d&e&=f`), undefined)).toEqual({
      ok: true,
      value: [
        ["status", "Запись"],
        ["a b", "c d"],
        ["e", ""],
        ["", "f"],
      ],
    });
    expect(urlEncodedFields(bytes(`status=${percentEncoded(WORD["koi8-r"])}`), "koi8-r")).toEqual({
      ok: true,
      value: [["status", "Запись"]],
    });
    expect(urlEncodedFields(bytes(`_charset_=windows-1251&status=${percentEncoded(WORD["windows-1251"])}`), undefined)).toEqual({
      ok: true,
      value: [["status", "Запись"]],
    });
  });

  it("refuses a form whose bytes are no text in its charset", () => {
    expect(urlEncodedFields(bytes(`status=${percentEncoded(WORD["windows-1251"])}`), undefined)).toEqual({
      ok: false,
      error: { kind: "text", charset: "utf-8", problem: "invalid" },
    });
    expect(urlEncodedFields(bytes("status=", WORD["windows-1251"]), undefined)).toMatchObject({ ok: false });
    expect(urlEncodedFields(bytes(`status=${percentEncoded(WORD["utf-8"])}`), "windows-1251")).toMatchObject({
      ok: false,
      error: { problem: "mislabelled" },
    });
  });

  it("reads a multipart form's text fields in its charset, and refuses a binary file", async () => {
    const type = "multipart/form-data; boundary=XyZ";
    const part = (name: string, value: (readonly number[] | string)[], filename = "") =>
      [`--XyZ\r\nContent-Disposition: form-data; name="${name}"${filename}\r\n\r\n`, ...value, "\r\n"] as (readonly number[] | string)[];
    const form = (...parts: (readonly number[] | string)[][]) => bytes(...parts.flat(), "--XyZ--\r\n");

    expect(await multipartFields(form(part("status", [WORD["utf-8"]]), part("phone", ["+7"])), type, undefined)).toEqual({
      ok: true,
      value: [
        ["status", "Запись"],
        ["phone", "+7"],
      ],
    });
    expect(await multipartFields(form(part("status", [WORD["koi8-r"]])), type, "koi8-r")).toEqual({
      ok: true,
      value: [["status", "Запись"]],
    });
    expect(
      await multipartFields(form(part("_charset_", ["windows-1251"]), part("status", [WORD["windows-1251"]])), type, undefined),
    ).toEqual({
      ok: true,
      value: [["status", "Запись"]],
    });
    expect(await multipartFields(form(part("status", [WORD["windows-1251"]])), type, undefined)).toMatchObject({
      ok: false,
      error: { kind: "text", problem: "invalid" },
    });
    expect(await multipartFields(form(part("photo", [[0xff, 0xd8, 0xff, 0xe0]], '; filename="a.jpg"')), type, undefined)).toMatchObject({
      ok: false,
    });
    expect(await multipartFields(bytes("not multipart"), type, undefined)).toEqual({ ok: false, error: { kind: "malformed" } });
  });
});
