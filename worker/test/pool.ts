// Node side of the gateway's workerd tests: the gateway Worker from the root wrangler.toml, with the
// Calltouch simulator beside it as an auxiliary Worker that receives every outbound fetch.
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { cloudflareTest } from "@cloudflare/vitest-plugin";
import { simulatorWorkerOptions } from "../../simulator/testing.ts";
import { SIMULATOR_SITE_ID, SIMULATOR_TOKEN, SIMULATOR_URL, TEST_API_KEY } from "./constants.ts";

type PoolOptions = Exclude<Parameters<typeof cloudflareTest>[0], (...args: never[]) => unknown>;

/**
 * Pool options for a Vitest project that tests the gateway against the simulator.
 *
 * @example
 * plugins: [cloudflareTest(() => gatewayPoolOptions())]
 */
export async function gatewayPoolOptions(): Promise<PoolOptions> {
  const simulator = await simulatorWorkerOptions();
  return {
    wrangler: { configPath: fileURLToPath(new URL("../../wrangler.toml", import.meta.url)) },
    miniflare: {
      bindings: {
        CALLTOUCH_BASE_URL: SIMULATOR_URL,
        CALLTOUCH_SITE_ID: SIMULATOR_SITE_ID,
        CALLTOUCH_TOKEN: SIMULATOR_TOKEN,
        // Short enough that timeout, retry and pause tests stay fast.
        CALLTOUCH_TIMEOUT_MS: "1000",
        RETRY_BASE_MS: "20",
        RETRY_MAX_MS: "200",
        PAUSE_PROBE_MS: "1000",
        BATCH_LINGER_MS: "20",
        API_KEY_HASHES: createHash("sha256").update(TEST_API_KEY).digest("hex"),
      },
      outboundService: simulator.name,
      workers: [simulator],
    },
  };
}
