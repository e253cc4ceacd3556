/** Real bytes of the charsets the gateway reads, shared by the unit tests and the hostile-input suite. */

/** "Запись" (a deal's status) in each charset, as CRMs of each era send it. */
export const WORD = {
  "utf-8": [0xd0, 0x97, 0xd0, 0xb0, 0xd0, 0xbf, 0xd0, 0xb8, 0xd1, 0x81, 0xd1, 0x8c],
  "windows-1251": [0xc7, 0xe0, 0xef, 0xe8, 0xf1, 0xfc],
  "koi8-r": [0xfa, 0xc1, 0xd0, 0xc9, 0xd3, 0xd8],
} as const;

/** The UTF-8 byte order mark. */
export const BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * Bytes from raw byte lists and strings (as UTF-8), in order.
 *
 * @example bytes('{"status":"', WORD["windows-1251"], '"}')
 */
export function bytes(...parts: (readonly number[] | string)[]): Uint8Array<ArrayBuffer> {
  return new Uint8Array(parts.flatMap((part) => (typeof part === "string" ? [...new TextEncoder().encode(part)] : [...part])));
}

/**
 * `%XX` for each byte, as a form percent-encodes them.
 *
 * @example percentEncoded(WORD["koi8-r"]) // "%FA%C1%D0%C9%D3%D8"
 */
export function percentEncoded(word: readonly number[]): string {
  return word.map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`).join("");
}
