import { defineProject } from "vitest/config";

// Drives the real development servers from Node, as a developer would after `scripts/run dev`.
export default defineProject({
  test: {
    name: "e2e",
    include: ["**/*.test.ts"],
    environment: "node",
    // After the workerd projects, one file at a time: the load test measures batching, which a machine
    // busy with other tests would distort, and every file starts its own wrangler processes.
    sequence: { groupOrder: 1 },
    fileParallelism: false,
    // Two wrangler processes start on a cold machine: give them time.
    hookTimeout: 120_000,
    testTimeout: 60_000,
  },
});
