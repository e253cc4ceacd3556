import { defineConfig } from "vitest/config";

// Each package runs its tests in its own Vitest project, inside workerd like the code itself;
// test/e2e drives the dev servers from Node, and test/browser drives a real Chromium against them.
export default defineConfig({
  test: {
    projects: ["contract", "simulator", "worker", "test/workerd", "test/tooling", "test/e2e", "test/browser"],
  },
});
