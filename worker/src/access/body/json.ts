/**
 * JSON as the gateway reads it: JSON that can only mean what its sender wrote. `JSON.parse` alone takes
 * the last of two equal keys, rounds `9007199254740993` to `…992` and `1000.1000000000000001` to
 * `1000.1`, and keeps `"\uD800"`, which is no character; an id or an amount read like that is stored and
 * sent as something its sender never wrote. So each of these is refused, on the field it is about:
 *
 * - a key given twice in one object (whatever the values: which one was meant is a guess);
 * - a number beyond ±(2^53 − 1), or one whose digits a 64-bit float cannot hold exactly (send it as a string);
 * - a string or key holding an unpaired UTF-16 surrogate;
 * - nesting deeper than {@link MAX_JSON_DEPTH} levels (no input of the gateway is deeper than 8).
 *
 * The native parser reads the value; one pass over the text (which it has just found to be valid JSON)
 * checks the rest. `lossless-json` and `jsonc-parser` do both in JavaScript, and measured 3 to 28 times
 * slower than this on a 100-order call and a 2 MiB one.
 */
import type { Result } from "../../result";

/** The deepest JSON the gateway reads: objects and lists within each other, the outermost counted. */
export const MAX_JSON_DEPTH = 32;

/** Why JSON text is refused, and where: keys and list positions from the root. */
export interface JsonProblem {
  kind: "invalid_json" | "duplicate_key" | "inexact_number" | "lone_surrogate" | "too_deep";
  path: (string | number)[];
  /** The parser's words (invalid JSON), or the number as written, cut short. */
  detail?: string;
}

/**
 * The value of JSON `text`, or the first reason it cannot be read as its sender meant it.
 *
 * @example readJson('{"revenue": 1000.5}') // { ok: true, value: { revenue: 1000.5 } }
 * @example readJson('{"id": 1, "id": 2}') // { ok: false, error: { kind: "duplicate_key", path: ["id"] } }
 */
export function readJson(text: string): Result<unknown, JsonProblem> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: { kind: "invalid_json", path: [], detail: (error as Error).message } };
  }
  const problem = inspect(text);
  return problem === undefined ? { ok: true, value } : { ok: false, error: problem };
}

/** One open object or list: the keys seen in an object, the position reached in a list. */
interface Level {
  keys: Set<string> | undefined;
  /** The key being read (an object) or the index of the item being read (a list). */
  at: string | number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/** The first problem of valid JSON `text`, in one pass over it. */
function inspect(text: string): JsonProblem | undefined {
  const levels: Level[] = [];
  const path = () => levels.map((level) => level.at);
  // An item of a list starts: the list moves on to its next index.
  const item = () => {
    const level = levels.at(-1);
    if (level?.keys === undefined && level !== undefined) level.at = (level.at as number) + 1;
  };
  // Text that came from bytes is whole; only \u escapes can make a lone surrogate. Checked once, natively.
  if (!text.isWellFormed()) return { kind: "lone_surrogate", path: [] };
  for (let i = 0; i < text.length; ) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      // The string's end, and whether it holds an escape: only then can its value differ from its text (the
      // text is well-formed, so an unescaped string is its own key and holds no lone surrogate). A backslash
      // takes the next character with it, so an escaped quote does not end the string.
      let end = i + 1;
      let escaped = false;
      for (let at = text.charCodeAt(end); at !== QUOTE; at = text.charCodeAt(++end)) {
        if (at === BACKSLASH) {
          escaped = true;
          end++;
        }
      }
      let next = end + 1;
      while (next < text.length && text.charCodeAt(next) <= 0x20) next++;
      if (text.charCodeAt(next) === COLON) {
        const key = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : text.slice(i + 1, end);
        const level = levels.at(-1)!;
        level.at = key;
        if (level.keys!.has(key)) return { kind: "duplicate_key", path: path() };
        level.keys!.add(key);
        if (escaped && !key.isWellFormed()) return { kind: "lone_surrogate", path: path() };
      } else {
        item();
        if (escaped && !(JSON.parse(text.slice(i, end + 1)) as string).isWellFormed()) return { kind: "lone_surrogate", path: path() };
      }
      i = end + 1;
    } else if (code === 0x7b || code === 0x5b) {
      item();
      levels.push(code === 0x7b ? { keys: new Set(), at: "" } : { keys: undefined, at: -1 });
      if (levels.length > MAX_JSON_DEPTH) return { kind: "too_deep", path: path().slice(0, MAX_JSON_DEPTH) };
      i++;
    } else if (code === 0x7d || code === 0x5d) {
      levels.pop();
      i++;
    } else if (code === 0x2d || (code >= 0x30 && code <= 0x39)) {
      item();
      let end = i + 1;
      while (end < text.length && isNumberCharacter(text.charCodeAt(end))) end++;
      const number = text.slice(i, end);
      if (!isExact(number))
        return { kind: "inexact_number", path: path(), detail: number.length > 40 ? `${number.slice(0, 40)}…` : number };
      i = end;
    } else if (code === 0x74 || code === 0x66 || code === 0x6e) {
      // true, false, null
      item();
      i += code === 0x66 ? 5 : 4;
    } else i++;
  }
  return undefined;
}

/** Digits, `.`, `e`, `E`, `+` and `-`: what a JSON number is written with. */
function isNumberCharacter(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || code === 0x2e || code === 0x65 || code === 0x45 || code === 0x2b || code === 0x2d;
}

/** Any decimal of at most 15 significant digits survives a round trip through a 64-bit float. */
const ALWAYS_EXACT_DIGITS = 15;

/**
 * Whether a JSON number reads as exactly the number written: within ±(2^53 − 1), and either short
 * enough to survive any float or written as the float's own shortest decimal (`0.30000000000000004`).
 */
function isExact(written: string): boolean {
  const value = Number(written);
  if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) return false;
  const wanted = decimal(written);
  if (wanted.digits.length <= ALWAYS_EXACT_DIGITS) return wanted.digits === "" || value !== 0;
  const held = decimal(String(value));
  return held.digits === wanted.digits && held.exponent === wanted.exponent && held.negative === wanted.negative;
}

/** A decimal as its significant digits and the power of ten of the last one: `"-1.50e3"` → `-15 × 10^2`. */
function decimal(text: string): { negative: boolean; digits: string; exponent: number } {
  const [, sign = "", whole = "", fraction = "", power = "0"] = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text) ?? [];
  let digits = `${whole}${fraction}`.replace(/^0+/, "");
  let exponent = Number(power) - fraction.length;
  const trailing = digits.length - digits.replace(/0+$/, "").length;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  return { negative: sign === "-" && digits !== "", digits, exponent };
}
