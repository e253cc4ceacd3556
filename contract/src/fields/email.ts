import { LIMITS } from "../limits";
import * as z from "../zod";
import { type Ctx, fail, optional, optionalSet, string } from "./field";
import { say } from "./say";

/** RFC 5321's limit on the length of an address. */
const MAX_EMAIL_LENGTH = 254;

/**
 * zod's e-mail pattern, the one `z.email()` checks with (zod sets it when the schema is made), read from
 * such a schema: naming it `z.regexes.email` kept zod's every pattern in the Worker, 3.5 KiB of it.
 */
const EMAIL = z.email().def.pattern!;

/**
 * Trims and lower-cases an e-mail address (Calltouch compares them as text) and validates it with zod's
 * e-mail pattern, the one `z.email()` uses. Addresses with a non-Latin domain (`почта.рф`) must be given
 * in punycode (`xn--80a1acny.xn--p1ai`).
 *
 * @example normalizeEmail(" Name@Server.COM ", ctx) // "name@server.com"
 */
export function normalizeEmail(value: string, ctx: Ctx): string {
  return (
    canonicalEmail(value) ?? fail(ctx, say("not a valid e-mail address (name@example.com)", "неверный адрес почты (name@example.com)"))
  );
}

/**
 * An e-mail address trimmed and lower-cased, or `undefined` when it is not a valid one: what
 * {@link normalizeEmail} checks, for callers that say the problem in words of their own.
 *
 * @example canonicalEmail(" Name@Server.COM ") // "name@server.com"; canonicalEmail("name@") // undefined
 */
export function canonicalEmail(value: string): string | undefined {
  const email = value.trim().toLowerCase();
  return email.length <= MAX_EMAIL_LENGTH && EMAIL.test(email) ? email : undefined;
}

/**
 * One e-mail address, or not set.
 *
 * @example optionalEmail.parse(" Name@Server.COM ") // "name@server.com"
 */
export const optionalEmail = optional(string, normalizeEmail);

/**
 * A list of e-mail addresses: blanks dropped, repeats (in any case) kept once.
 *
 * @example emailSet.parse(["A@b.ru", "a@B.ru"]) // ["a@b.ru"]
 */
export const emailSet = optionalSet(string, normalizeEmail, LIMITS.contacts);
