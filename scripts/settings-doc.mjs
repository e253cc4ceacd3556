// Writes the README's configuration table from the settings schema, the one place defaults live:
// names and defaults from worker/src/settings.ts, kinds and meanings from worker/src/settings-doc.ts.
//
//   node scripts/settings-doc.mjs           (or: pnpm run docs:settings)  rewrites the table in README.md
//   node scripts/settings-doc.mjs --check   exits 1 when README.md's table is not what it would write
//
// test/tooling/settings-doc.test.ts runs the check in the test suite.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { importBundled } from "./import-bundled.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const readmePath = join(root, "README.md");

export const START =
  "<!-- settings:start (written by `pnpm run docs:settings` from worker/src/settings.ts and settings-doc.ts; edit those) -->";
export const END = "<!-- settings:end -->";
export const STALE = "README.md's configuration table is not the settings schema's: run `pnpm run docs:settings`";

/**
 * The table's Markdown, one row per setting in settings-doc.ts's order. Throws when the schema and the
 * meanings disagree (a setting without a meaning, or a meaning of no setting), naming the settings.
 *
 * @example const table = await settingsTable(); // "| setting | kind | default | meaning |\n| --- …"
 * @returns {Promise<string>}
 */
export async function settingsTable() {
  const { settingsSchema, SETTING_DOCS } = await loadSettings();
  const names = Object.keys(settingsSchema.shape);
  const undocumented = names.filter((name) => !(name in SETTING_DOCS));
  if (undocumented.length > 0) {
    throw new Error(`settings without a meaning in worker/src/settings-doc.ts: ${undocumented.join(", ")}`);
  }
  // `<site>` marks a family of settings read by pattern (CALLTOUCH_TOKEN_<site>), not a key of the schema.
  const unknown = Object.keys(SETTING_DOCS).filter((name) => !names.includes(name) && !name.includes("<"));
  if (unknown.length > 0) throw new Error(`worker/src/settings-doc.ts describes settings the schema does not have: ${unknown.join(", ")}`);

  const rows = Object.entries(SETTING_DOCS).map(([name, { kind, meaning }]) => {
    const field = settingsSchema.shape[name];
    return [`\`${name}\``, kind, field ? defaultOf(field) : "—", meaning];
  });
  return markdownTable([["setting", "kind", "default", "meaning"], ...rows]);
}

/**
 * What an unset setting becomes: its default, nothing (optional), or a refusal (required).
 *
 * @param {{ safeParse(value: unknown): { success: boolean; data?: unknown } }} field
 */
function defaultOf(field) {
  const unset = field.safeParse(undefined);
  if (!unset.success) return "— (required)";
  return unset.data === undefined ? "—" : `\`${String(unset.data)}\``;
}

/**
 * A Markdown table with padded columns, as Prettier lays them out.
 *
 * @param {string[][]} rows the header first
 */
function markdownTable(rows) {
  const [header = [], ...body] = rows;
  const widths = header.map((_, column) => Math.max(3, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (/** @type {string[]} */ cells) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...body.map(line)].join("\n");
}

/**
 * README's text with the generated table between the markers.
 *
 * @param {string} readme
 * @param {string} table
 */
export function withTable(readme, table) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no "${START}" … "${END}" block`);
  return `${readme.slice(0, start + START.length)}\n\n${table}\n\n${readme.slice(end)}`;
}

/**
 * The schema and the meanings, bundled as the Worker would bundle them (settings.ts imports TypeScript
 * modules without extensions, which Node's own loader does not resolve).
 *
 * @returns {Promise<{ settingsSchema: { shape: Record<string, any> }; SETTING_DOCS: Record<string, { kind: string; meaning: string }> }>}
 */
async function loadSettings() {
  return importBundled(
    'export { settingsSchema } from "./worker/src/settings.ts";\nexport { SETTING_DOCS } from "./worker/src/settings-doc.ts";\n',
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const readme = readFileSync(readmePath, "utf8");
  const updated = withTable(readme, await settingsTable());
  if (process.argv.includes("--check")) {
    if (updated !== readme) {
      console.error(STALE);
      process.exit(1);
    }
  } else if (updated !== readme) {
    writeFileSync(readmePath, updated);
    console.log("README.md: configuration table written");
  } else {
    console.log("README.md: configuration table already up to date");
  }
}
