import { defineProject } from "vitest/config";

// Drives the real development servers from Node, as a developer would after `scripts/run dev`.
export default defineProject({
  test: {
    name: "e2e",
    include: ["**/*.test.ts"],
    environment: "node",
    // Two wrangler processes start on a cold machine: give them time.
    hookTimeout: 120_000,
    testTimeout: 60_000,
  },
});
