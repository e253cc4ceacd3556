import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { experimental_readRawConfig } from "wrangler";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The parts of a wrangler config that {@link writeGatewayConfig} changes; the rest is copied as it is. */
interface RawConfig {
  main?: string;
  vars?: Record<string, string>;
  assets?: { directory?: string };
  build?: { command?: string; cwd?: string; watch_dir?: string };
  ratelimits?: { name: string; namespace_id: string; simple: { limit: number; period: number } }[];
}

/**
 * Writes into `dir` a copy of the gateway's `wrangler.toml` (as `wrangler.json`) whose `KEY_RATE_LIMITER`
 * allows `limit` requests per key per minute, and answers its path. That limit is a binding's, not a var,
 * so no vars file can raise it; everything else is the gateway's own config, read by wrangler's own reader.
 * With `memoryLimiter`, the Worker's entry is `bench/gateway-memory-limits/`: the same gateway, its limiter
 * counting in memory as Cloudflare's does, instead of Miniflare's simulation that writes at every call.
 * Without `assetRouter`, the copy has no `[assets]`: requests reach the Worker with no asset router in
 * front, as they reach the floors (for calls that never read `ASSETS`, such as `orders.create`).
 *
 * @example startDevServers({ config: writeGatewayConfig(dir, 10_000_000) })
 */
export function writeGatewayConfig(dir: string, limit: number, { memoryLimiter = false, assetRouter = true } = {}): string {
  const { rawConfig } = experimental_readRawConfig({ config: join(root, "wrangler.toml") }) as { rawConfig: RawConfig };
  const { assets, ...rest } = rawConfig;
  const config: RawConfig = {
    ...(assetRouter ? rawConfig : rest),
    ...(memoryLimiter
      ? { main: join(root, "bench/gateway-memory-limits/index.ts"), vars: { ...rawConfig.vars, BENCH_KEY_RATE_LIMIT: String(limit) } }
      : { main: join(root, rawConfig.main ?? "") }),
    // Paths in the copy are read from its folder: point them back into the repository.
    ...(assetRouter && assets?.directory ? { assets: { ...assets, directory: join(root, assets.directory) } } : {}),
    ...(rawConfig.build
      ? {
          build: {
            ...rawConfig.build,
            cwd: root,
            ...(rawConfig.build.watch_dir ? { watch_dir: join(root, rawConfig.build.watch_dir) } : {}),
          },
        }
      : {}),
    ratelimits: rawConfig.ratelimits?.map((binding) =>
      binding.name === "KEY_RATE_LIMITER" ? { ...binding, simple: { ...binding.simple, limit } } : binding,
    ),
  };
  const path = join(dir, "wrangler.json");
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}
