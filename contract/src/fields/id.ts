import { LIMITS } from "../limits";
import * as z from "../zod";
import { type Ctx, expected, fail, optional, optionalSet, quote, required, requiredSet, string } from "./field";
import { say } from "./say";
import { trimmed } from "./text";

/**
 * Characters no deal id should hold: controls (a stray newline or NUL), format characters (zero-width
 * spaces and joiners, bidirectional overrides, the soft hyphen), line and paragraph separators, lone
 * surrogates, and the rest of Unicode's default-ignorable code points. Each would make two ids that look
 * the same differ, so that an update misses its deal or a log line lies about which deal it names.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;

/**
 * A deal id as the gateway keeps it: trimmed, NFC-normalized (so that an "й" typed as one character
 * and as "и" with a combining breve are the same deal) and free of invisible characters.
 *
 * @example normalizeOrderNumber(" Заказ-42 ", ctx) // "Заказ-42"
 */
export function normalizeOrderNumber(value: string, ctx: Ctx): string {
  const id = value.normalize("NFC").trim();
  const invisible = INVISIBLE.exec(id)?.[0];
  if (invisible === undefined) return trimmed(LIMITS.orderNumber)(id, ctx);
  const code = `U+${invisible.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
  const at = id.indexOf(invisible) + 1;
  return fail(
    ctx,
    say(
      `must not contain control or invisible characters (${code} at position ${at})`,
      `не может содержать управляющие и невидимые символы (${code} в позиции ${at})`,
    ),
  );
}

/**
 * `orderNumber`, the CRM's own deal id and the key of every later update: a string or an integer, sent
 * as a trimmed, NFC-normalized string.
 *
 * @example orderNumber.parse(42) // "42"
 */
export const orderNumber = required(
  z.union(
    [
      string,
      z.int().check(
        z.minimum(1, {
          error: () =>
            say(
              "a deal id given as a number is at least 1; send any other as a string",
              "номер сделки числом не меньше 1; любой другой передайте строкой",
            ),
        }),
      ),
    ],
    { error: expected("the CRM's deal id: a string or an integer", "номер сделки в CRM: строка или целое число") },
  ),
  (value, ctx) => normalizeOrderNumber(String(value), ctx),
);

/**
 * A Calltouch id of a call, a form request or a chat: a positive integer, also accepted as a string of
 * digits (ids often travel through forms and URLs as text); a number on the wire.
 *
 * @example normalizeCalltouchId("123456", ctx) // 123456
 */
export function normalizeCalltouchId(value: number | string, ctx: Ctx): number {
  const id = typeof value === "number" ? value : /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  return Number.isSafeInteger(id) && id > 0
    ? id
    : fail(
        ctx,
        say(
          `expected a positive integer Calltouch id (123456), got ${quote(value)}`,
          `ожидается id Calltouch, целое число больше нуля (123456), получено ${quote(value)}`,
        ),
      );
}

const calltouchIdInput = z.union(
  [
    z.int().check(
      z.minimum(1, {
        error: (issue) =>
          say(
            `expected a positive integer Calltouch id (123456), got ${quote(issue.input)}`,
            `ожидается id Calltouch, целое число больше нуля (123456), получено ${quote(issue.input)}`,
          ),
      }),
    ),
    string,
  ],
  { error: expected("a Calltouch id: a positive integer or a string of digits", "id Calltouch: целое число больше нуля или строка цифр") },
);

/** `callId` / `requestId` of the friendly input, or not set. */
export const optionalCalltouchId = optional(calltouchIdInput, normalizeCalltouchId);

/** `callId` / `requestId` / `chatId` of an explicit matching item. */
export const requiredCalltouchId = required(calltouchIdInput, normalizeCalltouchId);

/**
 * A numeric id that Calltouch carries as a string: a visitor's session (`_ct_session_id`), a Telegram or
 * VK user id. Given as an integer or a string of digits.
 *
 * @example normalizeDigits(1234567, ctx) // "1234567"
 */
export function normalizeDigits(value: number | string, ctx: Ctx): string {
  const text = String(value).trim();
  return /^\d{1,20}$/.test(text)
    ? text
    : fail(
        ctx,
        say(
          `expected an id of digits only (1234567), got ${quote(value)}`,
          `ожидается id только из цифр (1234567), получено ${quote(value)}`,
        ),
      );
}

const digitsInput = z.union(
  [
    string,
    z.int().check(
      z.minimum(0, {
        error: (issue) =>
          say(
            `expected an id of digits only (1234567), got ${quote(issue.input)}`,
            `ожидается id только из цифр (1234567), получено ${quote(issue.input)}`,
          ),
      }),
    ),
  ],
  { error: expected("an id of digits, as a string or an integer", "id из цифр, строкой или целым числом") },
);

/** `sessionId`, `tgId`, `vkId`: one, or not set. */
export const optionalDigits = optional(digitsInput, normalizeDigits);

/** A list of such ids, or not set. */
export const digitsSet = optionalSet(digitsInput, normalizeDigits, LIMITS.contacts);

/** A list of such ids with at least one (an explicit `session` item's `sessionId`). */
export const requiredDigitsSet = requiredSet(digitsInput, normalizeDigits, LIMITS.contacts);

/**
 * An MD5 hash of a phone, as Calltouch matches hashed contacts: 32 hex digits, lower-cased.
 *
 * @example normalizeMd5("4FEC00B25336E719D4A0B255EA5AA0F5", ctx) // "4fec00b25336e719d4a0b255ea5aa0f5"
 */
export function normalizeMd5(value: string, ctx: Ctx): string {
  const hash = value.trim().toLowerCase();
  return /^[0-9a-f]{32}$/.test(hash)
    ? hash
    : fail(ctx, say("expected an MD5 hash: 32 hexadecimal digits", "ожидается хеш MD5: 32 шестнадцатеричные цифры"));
}

/** `md5Phones`, or not set. */
export const md5Set = optionalSet(string, normalizeMd5, LIMITS.contacts);

/**
 * A Telegram username, with or without its `@`, sent as written.
 *
 * @example normalizeTgUsername(" @username ", ctx) // "@username"
 */
export function normalizeTgUsername(value: string, ctx: Ctx): string {
  const name = value.trim();
  return /^@?\w{1,32}$/.test(name)
    ? name
    : fail(
        ctx,
        say(
          "expected a Telegram username: letters, digits and _ (@username)",
          "ожидается имя пользователя Telegram: буквы, цифры и _ (@username)",
        ),
      );
}

/** One Telegram username, or not set. */
export const optionalTgUsername = optional(string, normalizeTgUsername);

/** A list of Telegram usernames, or not set. */
export const tgUsernameSet = optionalSet(string, normalizeTgUsername, LIMITS.contacts);
