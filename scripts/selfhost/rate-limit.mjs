// Cloudflare's Rate Limiting binding for a self-hosted workerd, where there is none: a workerd extension
// module behind a `wrapped` binding (workerd-config.mjs), so that the Worker's
// `env.KEY_RATE_LIMITER.limit({ key })` runs unchanged. It counts in fixed windows of `period` seconds,
// as Miniflare does under `wrangler dev`, in the memory of the one workerd process that owns the data
// directory; a restart starts every count afresh, as a Cloudflare location's counters may.

/**
 * Most keys counted in one window. The form limiter's keys carry a visitor's IP, so a caller that sprays
 * addresses could otherwise grow the map without end; beyond it a new key is refused until the window
 * ends, and keys already counted go on as before.
 */
export const MAX_KEYS_PER_WINDOW = 100_000;

/**
 * Makes one binding from its inner bindings, as workerd calls a wrapped binding's module.
 *
 * @example
 * const limiter = makeRateLimiter({ limit: 10, period: 60 });
 * const { success } = await limiter.limit({ key: "pk_site:203.0.113.7" });
 *
 * @param {{ limit: number; period: number }} env
 * @param {() => number} [now]
 */
export default function makeRateLimiter({ limit, period }, now = Date.now) {
  const windowMs = period * 1000;
  let window = -1;
  /** @type {Map<string, number>} */
  let counts = new Map();
  return {
    /**
     * Counts one request for `key` and answers whether it is within the limit.
     * @param {{ key: string }} options
     */
    async limit({ key }) {
      if (typeof key !== "string") throw new TypeError("limit() needs { key: string }");
      const current = Math.floor(now() / windowMs);
      if (current !== window) {
        window = current;
        counts = new Map();
      }
      const count = counts.get(key);
      if (count === undefined && counts.size >= MAX_KEYS_PER_WINDOW) return { success: false };
      const next = (count ?? 0) + 1;
      counts.set(key, next);
      return { success: next <= limit };
    },
  };
}
