// Writes worker/public/openapi-schemas.json, the OpenAPI document's component schemas, from the
// contract's zod schemas (worker/src/rest/openapi-components.ts). A static asset: the Worker reads it
// through its ASSETS binding at the first request for /openapi.json and states its deployment's limits
// in it, so neither zod's JSON Schema converter nor the schemas are in its bundle. The file is committed,
// so that a fresh clone runs and tests without a build; scripts/build-assets.mjs writes it again before
// every `wrangler dev` and `wrangler deploy`.
//
//   node scripts/openapi-schemas.mjs           writes the file (when its content changed)
//   node scripts/openapi-schemas.mjs --check   exits 1 when the file is not what the contract yields
//
// test/tooling/openapi-schemas.test.ts runs the check in the test suite.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { importBundled } from "./import-bundled.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const SCHEMAS_PATH = join(root, "worker/public/openapi-schemas.json");
export const STALE = "worker/public/openapi-schemas.json is not what the contract yields: run `node scripts/openapi-schemas.mjs`";

/**
 * The file's text as the contract yields it now: the JSON Schema of every component, two-space indented.
 *
 * @example const text = await openApiSchemasJson(); // '{\n  "OrderCreate": {\n …'
 * @returns {Promise<string>}
 */
export async function openApiSchemasJson() {
  const { componentSchemas } = await importBundled('export { componentSchemas } from "./worker/src/rest/openapi-components.ts";\n');
  return `${JSON.stringify(componentSchemas(), null, 2)}\n`;
}

/**
 * Writes the file when its content differs (an unchanged file keeps `wrangler dev` from rebuilding), and
 * answers whether it did. Written under a temporary name and renamed, so no bundler reads half a file.
 *
 * @example if (await writeOpenApiSchemas()) console.log("openapi-schemas.json updated");
 * @returns {Promise<boolean>}
 */
export async function writeOpenApiSchemas() {
  const text = await openApiSchemasJson();
  if (readIfAny(SCHEMAS_PATH) === text) return false;
  const temporary = `${SCHEMAS_PATH}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, SCHEMAS_PATH);
  return true;
}

/** @param {string} path */
function readIfAny(path) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes("--check")) {
    if (readIfAny(SCHEMAS_PATH) !== (await openApiSchemasJson())) {
      console.error(STALE);
      process.exit(1);
    }
    console.log("worker/public/openapi-schemas.json: up to date");
  } else {
    console.log(`worker/public/openapi-schemas.json: ${(await writeOpenApiSchemas()) ? "written" : "already up to date"}`);
  }
}
