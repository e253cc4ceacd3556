/**
 * A website form's fields, read as text in the charset the page sent them in. A browser sends a form in
 * its page's encoding and says which only when asked to: in a `_charset_` field (HTML's own convention)
 * or not at all. `Request.formData()` reads every form as UTF-8 and turns other bytes into U+FFFD, so
 * these functions read the bytes themselves and refuse what is not text.
 */
import type { Result } from "../../result";
import { type Charset, charsetOf, decodeText, type TextProblem } from "./text";

/** The field a form fills with its page's charset when it has one of that name (the HTML standard's `_charset_`). */
export const CHARSET_FIELD = "_charset_";

/** A form's fields in order, repeats kept; never its `_charset_`. */
export type FormFields = [string, string][];

/** Why a form's bytes are no fields: no text in its charset, or no multipart body. */
export type FormProblem = { kind: "text"; charset: Charset; problem: TextProblem } | { kind: "malformed" };

const AMPERSAND = 0x26;
const EQUALS = 0x3d;

/**
 * The fields of an `application/x-www-form-urlencoded` body, percent-decoded as the URL standard does,
 * then decoded in `declared`, else in the charset its `_charset_` field names, else in UTF-8.
 *
 * @example urlEncodedFields(new TextEncoder().encode("name=%C0%ED%ED%E0&_charset_=windows-1251"), undefined)
 * // { ok: true, value: [["name", "Анна"]] }
 */
export function urlEncodedFields(bytes: Uint8Array, declared: Charset | undefined): Result<FormFields, FormProblem> {
  const pairs: [Uint8Array, Uint8Array][] = [];
  for (let start = 0; start < bytes.length; ) {
    let end = bytes.indexOf(AMPERSAND, start);
    if (end === -1) end = bytes.length;
    if (end > start) {
      const equals = bytes.subarray(start, end).indexOf(EQUALS);
      const name = equals === -1 ? bytes.subarray(start, end) : bytes.subarray(start, start + equals);
      const value = equals === -1 ? new Uint8Array(0) : bytes.subarray(start + equals + 1, end);
      pairs.push([percentDecoded(name), percentDecoded(value)]);
    }
    start = end + 1;
  }
  const named = pairs.find(([name]) => ascii(name) === CHARSET_FIELD);
  const charset = declared ?? (named ? charsetOf(ascii(named[1])) : undefined) ?? "utf-8";
  const fields: FormFields = [];
  for (const [nameBytes, valueBytes] of pairs) {
    const name = decodeText(nameBytes, charset);
    const value = decodeText(valueBytes, charset);
    if (!name.ok) return { ok: false, error: { kind: "text", charset, problem: name.error } };
    if (!value.ok) return { ok: false, error: { kind: "text", charset, problem: value.error } };
    if (name.value !== CHARSET_FIELD) fields.push([name.value, value.value]);
  }
  return { ok: true, value: fields };
}

/**
 * The text fields of a `multipart/form-data` body (`contentType` with its boundary), the whole body
 * decoded in `declared`, else in UTF-8, else in the charset its `_charset_` field names. Its structure
 * is ASCII in every charset read here, so the body is decoded once and parsed by the runtime as UTF-8.
 * A file is no part of a form's text: a body with a binary file in it is refused as no text.
 *
 * @example await multipartFields(bytes, "multipart/form-data; boundary=x", undefined) // { ok: true, value: [["phone", "…"]] }
 */
export async function multipartFields(
  bytes: Uint8Array<ArrayBuffer>,
  contentType: string,
  declared: Charset | undefined,
): Promise<Result<FormFields, FormProblem>> {
  let charset = declared ?? "utf-8";
  let text = decodeText(bytes, charset);
  if (!text.ok && declared === undefined) {
    // The page's charset may be in the body itself; its value is ASCII whatever the rest is.
    const named = (await formDataOf(bytes, contentType))?.get(CHARSET_FIELD);
    const fromField = typeof named === "string" ? charsetOf(named) : undefined;
    if (fromField !== undefined && fromField !== charset) {
      charset = fromField;
      text = decodeText(bytes, charset);
    }
  }
  if (!text.ok) return { ok: false, error: { kind: "text", charset, problem: text.error } };
  const form = await formDataOf(text.value, contentType);
  if (form === undefined) return { ok: false, error: { kind: "malformed" } };
  const fields: FormFields = [];
  for (const [name, value] of form) if (typeof value === "string" && name !== CHARSET_FIELD) fields.push([name, value]);
  return { ok: true, value: fields };
}

/** The runtime's reading of a multipart body (a string goes as UTF-8), or `undefined` when it is none. */
async function formDataOf(body: string | Uint8Array<ArrayBuffer>, contentType: string): Promise<FormData | undefined> {
  try {
    return await new Request("http://form.invalid/", { method: "POST", headers: { "content-type": contentType }, body }).formData();
  } catch {
    return undefined;
  }
}

/** `+` as a space and `%XX` as its byte, the rest as it is: the URL standard's percent-decoding of form fields. */
function percentDecoded(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  let length = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    const high = byte === 0x25 ? hexValue(bytes[i + 1]) : -1;
    const low = byte === 0x25 ? hexValue(bytes[i + 2]) : -1;
    if (high >= 0 && low >= 0) {
      out[length++] = high * 16 + low;
      i += 2;
    } else out[length++] = byte === 0x2b ? 0x20 : byte;
  }
  return out.subarray(0, length);
}

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes.subarray(0, 64));
}
