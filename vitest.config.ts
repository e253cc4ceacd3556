import { defineConfig } from "vitest/config";

// Each package runs its tests in its own Vitest project (most of them inside workerd).
export default defineConfig({
  test: {
    projects: ["contract", "simulator", "worker", "client", "test"],
  },
});
