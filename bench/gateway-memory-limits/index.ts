// The gateway as bench/ingest.ts weighs it against its floors: the same Worker and Durable Objects, but its
// per-key rate limiter counts in this isolate's memory, as Cloudflare's rate-limiting binding does, instead
// of through Miniflare's local simulation of it, which writes to a SQLite-backed object (one more commit,
// one more fsync) at every call. A benchmark entry only; `bench/lib/gateway-config.ts` points a copy of
// wrangler.toml at it.
import gateway, { Egress, Outbox } from "../../worker/src/index";

export { Egress, Outbox };

/** A fixed window per key, counted in memory: `limit` calls per key per minute, as `[[ratelimits]]` says. */
class MemoryRateLimit {
  private window = 0;
  private readonly counts = new Map<string, number>();

  constructor(private readonly perMinute: number) {}

  async limit({ key }: { key: string }): Promise<{ success: boolean }> {
    const window = Math.floor(Date.now() / 60_000);
    if (window !== this.window) {
      this.window = window;
      this.counts.clear();
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    return { success: count <= this.perMinute };
  }
}

type BenchEnv = Env & { BENCH_KEY_RATE_LIMIT: string };

/**
 * The gateway's env with the limiter swapped in, made once per env the runtime hands us: the gateway
 * reads its settings once per env object (`readSettings` caches them by it), as the runtime keeps handing
 * it the same one. A fresh copy per request would parse every setting again at every call, a cost the
 * deployed gateway never pays.
 */
const withLimiter = new WeakMap<BenchEnv, Env>();

export default {
  fetch(request, env, ctx) {
    let wrapped = withLimiter.get(env);
    if (wrapped === undefined) {
      wrapped = { ...env, KEY_RATE_LIMITER: new MemoryRateLimit(Number(env.BENCH_KEY_RATE_LIMIT)) };
      withLimiter.set(env, wrapped);
    }
    return gateway.fetch(request, wrapped, ctx);
  },
} satisfies ExportedHandler<BenchEnv>;
