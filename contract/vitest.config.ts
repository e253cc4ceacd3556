import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";

// The contract has no Worker of its own, but it runs inside one in production: test it in workerd
// so that Intl time zones and every other runtime behaviour are the ones the gateway sees.
export default defineProject({
  plugins: [cloudflareTest({ miniflare: { compatibilityDate: "2026-10-15" } })],
  test: { name: "contract", include: ["src/**/*.test.ts"] },
});
