import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";
import { gatewayPoolOptions } from "../../worker/test/pool.ts";

// Test files share one simulator, so they run one after another.
// The gateway as its callers see it: the typed client, the Worker, and the simulator behind it.
export default defineProject({
  plugins: [cloudflareTest(gatewayPoolOptions)],
  test: { name: "workerd", include: ["**/*.test.ts"], fileParallelism: false },
});
