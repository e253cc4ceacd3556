import type { Context, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { memo } from "../memo";
import type { Settings } from "../settings";
import { findKey } from "./keys";

type WithSettings = { Variables: { settings: Settings } };

const publicOriginsCache = new WeakMap<Settings, ReadonlySet<string>>();

/** Every origin some public key lists, once per settings object. */
function publicOrigins(settings: Settings): ReadonlySet<string> {
  return memo(publicOriginsCache, settings, () => new Set(settings.keys.flatMap((key) => (key.type === "public" ? key.origins : []))));
}

/**
 * The CORS grants of a door that web pages call with a public key (`/forms/{key}`, `/trpc/leads.submit`),
 * made with Hono's CORS middleware: no credentials; `Authorization`, `Content-Type` and `Idempotency-Key`
 * allowed; `Retry-After` readable. An answer is readable by a page only when the key the request carries
 * is a public key that lists the page's origin. A preflight carries no key: when the door has none
 * without one (`keyOf` answers `undefined`), it is granted to the origins of every public key, and the
 * request that follows is still judged by its own key.
 *
 * @example app.use("/trpc/leads.submit", leadCors((c) => bearerOf(c)));
 */
export function leadCors<E extends WithSettings>(keyOf: (c: Context<E>) => string | undefined): MiddlewareHandler<E> {
  return cors({
    origin: async (origin, c: Context<E>) => {
      const settings = c.get("settings");
      const key = keyOf(c);
      if (key === undefined) return c.req.method === "OPTIONS" && publicOrigins(settings).has(origin) ? origin : null;
      const entry = await findKey(key, settings.keys);
      return entry?.type === "public" && entry.origins.includes(origin) ? origin : null;
    },
    allowMethods: ["POST"],
    allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key"],
    exposeHeaders: ["Retry-After"],
    maxAge: 600,
  }) as MiddlewareHandler<E>;
}
