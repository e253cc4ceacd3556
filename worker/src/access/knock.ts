import type { Language } from "@calltouch-gateway/contract";
import type { Knock } from "./gate";

const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * The key of an `Authorization: Bearer <key>` header, or `undefined` when there is none (another scheme,
 * two tokens, nothing).
 *
 * @example bearerOf("Bearer sk_abc") // "sk_abc"
 */
export function bearerOf(authorization: string | null | undefined): string | undefined {
  return authorization?.match(bearer)?.[1];
}

/**
 * What a Hono door knows of its request for the gate: `key` as the door reads it, the `Origin` and
 * `CF-Connecting-IP` headers, and the language (`Accept-Language`, read by Hono's language detector,
 * unless the door speaks to visitors and says `"ru"`).
 *
 * @example const admitted = await admit(knockOf(c, bearerOf(c.req.header("authorization"))), c.env, settings);
 */
export function knockOf(c: DoorContext, key: string | undefined, language?: Language): Knock {
  return {
    key,
    origin: c.req.header("origin"),
    ip: c.req.header("cf-connecting-ip"),
    language: language ?? (c.var.language === "ru" ? "ru" : "en"),
  };
}

/** What {@link knockOf} reads of a Hono context: headers, and the language Hono's detector found. */
interface DoorContext {
  req: { header(name: string): string | undefined };
  var: { language?: string };
}
