import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";

export default defineProject({
  plugins: [cloudflareTest({ wrangler: { configPath: "./wrangler.toml" } })],
  test: {
    name: "simulator",
    include: ["src/**/*.test.ts"],
    // Every test file drives the one simulator instance (its state is a single Durable Object by design),
    // so files take turns instead of resetting each other's state.
    fileParallelism: false,
    // The first request of a run loads the Worker's modules through Vite (zod alone is hundreds of files),
    // which can take several seconds on a busy machine.
    testTimeout: 15_000,
  },
});
