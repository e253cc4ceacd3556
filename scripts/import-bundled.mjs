// Imports the workspace's TypeScript modules from Node scripts, bundled as the Worker bundles them: the
// contract and the Worker import modules without extensions, which Node's own loader does not resolve.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The exports of `source`, an ES module whose imports are relative to the repository's root, bundled
 * with everything it imports.
 *
 * @example const { settingsSchema } = await importBundled('export { settingsSchema } from "./worker/src/settings.ts";\n');
 * @param {string} source
 * @returns {Promise<any>} the module's namespace, typed by the caller
 */
export async function importBundled(source) {
  const result = await build({
    stdin: { contents: source, resolveDir: root, loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "node",
    write: false,
    logLevel: "warning",
  });
  const code = result.outputFiles[0]?.text ?? "";
  return import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
}
