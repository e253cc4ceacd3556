import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { experimental_readRawConfig } from "wrangler";
import { STALE, settingsTable, withTable } from "../../scripts/settings-doc.mjs";

// Defaults live in the settings schema (worker/src/settings.ts) and nowhere else: the README's table is
// written from it, and wrangler.toml sets only what differs from it.

const root = fileURLToPath(new URL("../..", import.meta.url));

interface Environment {
  vars?: Record<string, unknown>;
}

describe("the settings schema is the one source of every setting", () => {
  it("README's configuration table is the one `pnpm run docs:settings` writes", async () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const table = await settingsTable();
    expect(table).toContain("| `CALLTOUCH_TIME_ZONE`");
    expect(withTable(readme, table) === readme, STALE).toBe(true);
  });

  it("wrangler.toml sets no setting the schema lacks, and none to its default", async () => {
    const { rawConfig } = experimental_readRawConfig({ config: join(root, "wrangler.toml") }) as {
      rawConfig: Environment & { env?: Record<string, Environment> };
    };
    const table = await settingsTable();
    const environments = { "": rawConfig, ...rawConfig.env };
    for (const [name, environment] of Object.entries(environments)) {
      for (const [setting, value] of Object.entries(environment.vars ?? {})) {
        const row = table.split("\n").find((line) => line.startsWith(`| \`${setting}\``));
        expect(row, `wrangler.toml [env.${name}.vars] sets ${setting}, which is no setting of worker/src/settings.ts`).toBeDefined();
        expect(row, `wrangler.toml [env.${name}.vars] repeats ${setting}'s default: remove it`).not.toContain(`| \`${String(value)}\``);
      }
    }
  });
});
