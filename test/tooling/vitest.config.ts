import { defineProject } from "vitest/config";

// The repository's own tooling, driven from Node as a developer runs it: the walls between the layers,
// the generated documentation, the deploy (dry run, from a fresh clone) and the files a site embeds.
export default defineProject({
  test: {
    name: "tooling",
    include: ["**/*.test.ts"],
    environment: "node",
    // A fresh clone installs and bundles the Worker: minutes on a busy 2-core machine.
    hookTimeout: 300_000,
    testTimeout: 120_000,
  },
});
