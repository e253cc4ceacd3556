import { defineProject } from "vitest/config";

/**
 * A Vitest project of tests that run in Node and start the development servers (and a browser). They
 * run after the workerd projects, one file at a time: the load test measures batching, which a machine
 * busy with other tests would distort, and every file starts its own wrangler processes.
 *
 * @example export default nodeProject("e2e");
 */
export function nodeProject(name: string) {
  return defineProject({
    test: {
      name,
      include: ["**/*.test.ts"],
      environment: "node",
      sequence: { groupOrder: 1 },
      fileParallelism: false,
      // Two wrangler processes (and a browser) start on a cold machine: give them time.
      hookTimeout: 120_000,
      testTimeout: 60_000,
    },
  });
}
