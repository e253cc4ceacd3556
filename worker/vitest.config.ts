import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";
import { gatewayPoolOptions } from "./test/pool.ts";

export default defineProject({
  plugins: [cloudflareTest(gatewayPoolOptions)],
  // Test files share one simulator, so they run one after another.
  test: { name: "worker", include: ["src/**/*.test.ts"], fileParallelism: false },
});
