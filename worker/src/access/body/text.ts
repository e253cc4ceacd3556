/**
 * Bytes as text, in the charset a caller declared: UTF-8 by default, or one of the Cyrillic charsets that
 * older CRMs and 1C integrations still send. A byte that is not valid in the charset is refused, never
 * replaced: a deal whose status arrives as "������" is a deal destroyed.
 */
import type { Result } from "../../result";

/**
 * The charsets a body may be declared in, by the names of the WHATWG Encoding Standard (each also answers
 * to its other labels: `cp1251`, `koi8`, `cp866`, …). The runtime's `TextDecoder` does the decoding.
 */
export const CHARSETS = ["utf-8", "windows-1251", "koi8-r", "koi8-u", "ibm866", "iso-8859-5", "x-mac-cyrillic"] as const;
export type Charset = (typeof CHARSETS)[number];

/**
 * The charset a label names, when the gateway reads it; `undefined` for any other (UTF-16, Latin-1, …).
 *
 * @example charsetOf("CP1251") // "windows-1251"
 * @example charsetOf("latin1") // undefined
 */
export function charsetOf(label: string): Charset | undefined {
  let name: string;
  try {
    name = new TextDecoder(label.trim()).encoding;
  } catch {
    return undefined;
  }
  return (CHARSETS as readonly string[]).includes(name) ? (name as Charset) : undefined;
}

/** Why bytes are no text: not valid in the charset, or valid UTF-8 that was declared as another charset. */
export type TextProblem = "invalid" | "mislabelled";

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * `bytes` as text in `charset`, or why they are none. A UTF-8 byte order mark is dropped. Bytes declared
 * as a single-byte charset that are UTF-8 beyond ASCII are refused as mislabelled: every byte is some
 * character in those charsets, so decoding them would store mojibake ("Р—Р°РїРёСЃСЊ" for "Запись")
 * without an error, while Cyrillic text in them is valid UTF-8 only by contrivance (a lower-case letter
 * would have to be followed by two bytes of 0x80–0xBF, mostly punctuation).
 *
 * @example decodeText(new Uint8Array([0xcf, 0xf0, 0xe8]), "windows-1251") // { ok: true, value: "При" }
 * @example decodeText(new Uint8Array([0xcf, 0xf0, 0xe8]), "utf-8") // { ok: false, error: "invalid" }
 */
export function decodeText(bytes: Uint8Array, charset: Charset): Result<string, TextProblem> {
  if (charset !== "utf-8" && bytes.some((byte) => byte >= 0x80) && decodeIn(UTF8, bytes) !== undefined) {
    return { ok: false, error: "mislabelled" };
  }
  const text = decodeIn(charset === "utf-8" ? UTF8 : new TextDecoder(charset, { fatal: true, ignoreBOM: false }), bytes);
  return text === undefined ? { ok: false, error: "invalid" } : { ok: true, value: text };
}

/** A fatal decoder's text, or `undefined` where it met a byte its charset has no character for. */
function decodeIn(decoder: TextDecoder, bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}
