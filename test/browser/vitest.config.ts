import { defineProject } from "vitest/config";

// Drives a real Chromium (Debian's, /usr/bin/chromium) through playwright-core from Node: the website
// form of examples/ against the dev servers, and the browser helper against a stub gateway.
export default defineProject({
  test: {
    name: "browser",
    include: ["**/*.test.ts"],
    environment: "node",
    // After the workerd projects, one file at a time: the load test measures batching, which a machine
    // busy with other tests would distort, and every file starts its own wrangler processes.
    sequence: { groupOrder: 1 },
    fileParallelism: false,
    // Two wrangler processes and a browser start on a cold machine: give them time.
    hookTimeout: 120_000,
    testTimeout: 60_000,
  },
});
