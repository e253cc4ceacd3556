import type { Language } from "@calltouch-gateway/contract";
import type { Context } from "hono";
import { accepts } from "hono/accepts";
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
 * `CF-Connecting-IP` headers, and the language: `language` when the door speaks to visitors (`"ru"`),
 * else the caller's `Accept-Language`.
 *
 * @example const admitted = await admit(knockOf(c, bearerOf(c.req.header("authorization"))), c.env, settings.keys);
 */
export function knockOf(c: Context, key: string | undefined, language?: Language): Knock {
  return {
    key,
    origin: c.req.header("origin"),
    ip: c.req.header("cf-connecting-ip"),
    language: language ?? (accepts(c, { header: "Accept-Language", supports: ["en", "ru"], default: "en", match: preferred }) as Language),
  };
}

/** The language of the highest-quality entry that is English or Russian in any variant (`ru-RU`), else English. */
function preferred(entries: { type: string; q: number }[]): string {
  const wanted = entries
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q)
    .map((entry) => entry.type.toLowerCase().split("-")[0]);
  return wanted.find((language) => language === "en" || language === "ru") ?? "en";
}
