import type { Principal } from "./api-key";

/**
 * Seconds a caller over its key's limit is told to wait: the limiter counts per minute.
 *
 * @example c.header("Retry-After", String(RETRY_AFTER_SECONDS));
 */
export const RETRY_AFTER_SECONDS = 60;

/**
 * Whether a secret key may make one more request now (`KEY_RATE_LIMITER`, per key id). tRPC and REST
 * both ask here, so that a key has one budget whichever protocol it uses; each answers 429 with
 * `Retry-After: RETRY_AFTER_SECONDS` and {@link RATE_LIMITED_MESSAGE} when it may not.
 *
 * @example if (!(await withinKeyRateLimit(env, principal))) return c.json({ error: { message: RATE_LIMITED_MESSAGE } }, 429);
 */
export async function withinKeyRateLimit(env: Env, principal: Principal): Promise<boolean> {
  const { success } = await env.KEY_RATE_LIMITER.limit({ key: principal.keyId });
  return success;
}

/**
 * What a caller over its key's limit is told.
 *
 * @example throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: RATE_LIMITED_MESSAGE });
 */
export const RATE_LIMITED_MESSAGE = "Too many requests for this API key; retry in a minute";
