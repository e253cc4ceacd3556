import { LIMITS } from "../limits";
import { type Ctx, fail, type Normalize, optional, optionalSet, quote, required, requiredSet, string } from "./field";
import { say } from "./say";

const tooLong = (max: number, length: number) =>
  say(`at most ${max} characters, got ${length}`, `не длиннее ${max} символов, получено ${length}`);

/** Control characters that are no part of text: C0, DEL and C1, but tab, line feed and carriage return. */
const CONTROL = /(?![\t\n\r])\p{Cc}/u;

/**
 * Where `text` holds a control character that is no part of text (a NUL, an escape), said for an error
 * message; `undefined` when it holds none.
 *
 * @example controlIn("a\u0000b") // "U+0000 at position 2"
 */
export function controlIn(text: string): string | undefined {
  const found = CONTROL.exec(text);
  return found ? `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} at position ${found.index + 1}` : undefined;
}

/**
 * Trims free text and holds it to `max` characters. Text is otherwise sent as written: Calltouch treats
 * each spelling of a status or a tag as its own value, so this never re-cases or re-spaces anything. A
 * control character (a NUL, an escape; tabs and line breaks are text) is refused: no CRM means one.
 *
 * @example trimmed(255)("  Запись ", ctx) // "Запись"
 */
export function trimmed(max: number): Normalize<string, string> {
  return (value, ctx) => {
    const text = value.trim();
    const control = controlIn(text);
    if (control)
      return fail(ctx, say(`must not contain control characters (${control})`, `не может содержать управляющие символы (${control})`));
    return text.length <= max ? text : fail(ctx, tooLong(max, text.length));
  };
}

/**
 * Short free text (status, funnel, manager, …), or not set.
 *
 * @example optionalText.parse("  Запись ") // "Запись"; optionalText.parse("") // undefined
 */
export const optionalText = optional(string, trimmed(LIMITS.text));

/** Short free text that must be given (a product's name, a custom field's name, …). */
export const requiredText = required(string, trimmed(LIMITS.text));

/** A comment, or not set. */
export const optionalLongText = optional(string, trimmed(LIMITS.longText));

/**
 * Tags: blanks dropped, repeats kept once, each at most {@link LIMITS.text} characters.
 *
 * @example tagSet.parse(["Тег1", " Тег1 ", ""]) // ["Тег1"]
 */
export const tagSet = optionalSet(string, trimmed(LIMITS.text), LIMITS.tags);

/** {@link tagSet} that must keep at least one tag (`addTagsToLead.tags`). */
export const requiredTagSet = requiredSet(string, trimmed(LIMITS.text), LIMITS.tags);

/**
 * A currency as Calltouch spells it: an ISO 4217 code in lower case.
 *
 * @example normalizeCurrency("RUB", ctx) // "rub"
 */
export function normalizeCurrency(value: string, ctx: Ctx): string {
  const code = value.trim().toLowerCase();
  return /^[a-z]{3}$/.test(code)
    ? code
    : fail(
        ctx,
        say(
          `expected a 3-letter ISO 4217 currency code (rub, usd), got ${quote(value)}`,
          `ожидается трёхбуквенный код валюты ISO 4217 (rub, usd), получено ${quote(value)}`,
        ),
      );
}

/** `currency`, or not set. */
export const optionalCurrency = optional(string, normalizeCurrency);

/**
 * A link to the deal in the CRM: an absolute http(s) URL, sent as written.
 *
 * @example normalizeUrl(" https://crm.example.ru/deal/1 ", ctx) // "https://crm.example.ru/deal/1"
 */
export function normalizeUrl(value: string, ctx: Ctx): string {
  const text = value.trim();
  const url = URL.parse(text);
  if (url === null || (url.protocol !== "https:" && url.protocol !== "http:")) {
    return fail(
      ctx,
      say(
        "expected an absolute http(s) URL (https://crm.example.ru/deal/123)",
        "ожидается полный адрес http(s) (https://crm.example.ru/deal/123)",
      ),
    );
  }
  return text.length <= LIMITS.url ? text : fail(ctx, tooLong(LIMITS.url, text.length));
}

/** `orderLink`, or not set. */
export const optionalUrl = optional(string, normalizeUrl);
