// Builds the website-form helper for browsers:
//   client/dist/calltouch-form.js   an IIFE for <script src defer>, minified (window.CalltouchForm)
//   client/dist/calltouch-form.mjs  an ES module, minified
//
//   node client/scripts/build-browser.mjs      (or: pnpm --filter @calltouch-gateway/client build:browser)
//
// scripts/dev.mjs and the browser test import buildBrowserHelper() and build it before serving.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const client = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The helper's entry point and where its builds land. */
export const browserHelper = {
  entry: join(client, "src/browser/calltouch-form.ts"),
  dist: join(client, "dist"),
  iife: join(client, "dist/calltouch-form.js"),
  esm: join(client, "dist/calltouch-form.mjs"),
};

/**
 * Builds both files (about 20 ms) and answers their paths with their sizes in bytes.
 *
 * @returns {Promise<{ path: string; bytes: number }[]>}
 */
export async function buildBrowserHelper() {
  /** @type {import("esbuild").BuildOptions} */
  const common = {
    entryPoints: [browserHelper.entry],
    bundle: true,
    minify: true,
    // What a site's visitors still run: optional chaining and ??= become plain code.
    target: "es2018",
    platform: "browser",
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
  };
  const results = await Promise.all([
    build({ ...common, format: "iife", globalName: "CalltouchForm", outfile: browserHelper.iife }),
    build({ ...common, format: "esm", outfile: browserHelper.esm }),
  ]);
  return results.flatMap((result) =>
    Object.entries(result.metafile?.outputs ?? {}).map(([path, output]) => ({ path, bytes: output.bytes })),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const { path, bytes } of await buildBrowserHelper()) console.log(`${path}  ${(bytes / 1024).toFixed(1)} KB`);
}
