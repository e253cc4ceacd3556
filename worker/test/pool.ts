// Node side of the gateway's workerd tests: the gateway Worker from the root wrangler.toml, with the
// Calltouch simulator beside it as an auxiliary Worker that receives every outbound fetch.
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { cloudflareTest } from "@cloudflare/vitest-plugin";
import { simulatorWorkerOptions } from "../../simulator/testing.ts";
import * as test from "./constants.ts";

const sha256 = (key: string) => createHash("sha256").update(key).digest("hex");
const secret = (id: string, key: string, scopes: string[], site = test.SIMULATOR_SITE_ID) => ({
  id,
  type: "secret",
  sha256: sha256(key),
  site,
  scopes,
});
const form = { origins: [test.FORM_ORIGIN], site: test.SIMULATOR_SITE_ID, type: "public" };

/** The keys of the test configuration, as `scripts/run keys` would write them. */
const API_KEYS = {
  keys: [
    secret("test-admin", test.TEST_API_KEY, ["admin"]),
    secret("test-writer", test.WRITER_KEY, ["orders:write"]),
    secret("test-reader", test.READER_KEY, ["orders:read"]),
    secret("test-other-site", test.OTHER_SITE_KEY, ["admin"], test.OTHER_SITE_ID),
    secret("test-burst", test.BURST_KEY, ["orders:write"]),
    secret("test-rest-burst", test.REST_BURST_KEY, ["orders:write"]),
    secret("test-observer", test.OBSERVER_KEY, ["orders:read"]),
    {
      ...form,
      id: "test-form",
      sha256: sha256(test.FORM_KEY),
      defaults: { status: "Заявка с сайта", tags: ["сайт"], source: { source: "сайт", medium: "форма" } },
      customFields: ["Город"],
      thankYouUrl: `${test.FORM_ORIGIN}/thanks`,
      turnstile: false,
    },
    { ...form, id: "test-turnstile", sha256: sha256(test.TURNSTILE_FORM_KEY), turnstile: true },
  ],
};

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
        CALLTOUCH_BASE_URL: test.SIMULATOR_URL,
        CALLTOUCH_SITE_ID: test.SIMULATOR_SITE_ID,
        CALLTOUCH_TOKEN: test.SIMULATOR_TOKEN,
        // A second site, whose token the simulator refuses: its deals pause, which shows where they went.
        [`CALLTOUCH_TOKEN_${test.OTHER_SITE_ID}`]: "token-of-the-other-site",
        TURNSTILE_SECRET_KEY: "turnstile-secret",
        TURNSTILE_VERIFY_URL: test.TURNSTILE_VERIFY_URL,
        // Short enough that timeout, retry and pause tests stay fast.
        CALLTOUCH_TIMEOUT_MS: "1000",
        RETRY_BASE_MS: "20",
        RETRY_MAX_MS: "200",
        PAUSE_PROBE_MS: "1000",
        BATCH_LINGER_MS: "20",
        API_KEYS: JSON.stringify(API_KEYS),
        CONSOLE_SESSION_KEY: test.CONSOLE_SESSION_KEY,
        // Below the contract's 1000, so that the setting's own refusal shows.
        MAX_ORDERS_PER_CALL: String(test.MAX_ORDERS_PER_CALL),
      },
      ratelimits: {
        KEY_RATE_LIMITER: { namespace_id: "1001", simple: { limit: test.KEY_RATE_LIMIT, period: 60 } },
        FORM_RATE_LIMITER: { namespace_id: "1002", simple: { limit: 10, period: 60 } },
      },
      outboundService: simulator.name,
      workers: [simulator],
    },
  };
}
