// Builds the website-form helper for browsers:
//   client/dist/calltouch-form.js   an IIFE for <script src defer>, minified (window.CalltouchForm)
//   client/dist/calltouch-form.mjs  an ES module, minified
//
//   node client/scripts/build-browser.mjs      (or: pnpm --filter @calltouch-gateway/client build:browser)
//
// scripts/build-assets.mjs (the gateway serves the helper), client/scripts/build-package.mjs and the browser
// test import buildBrowserHelper().
import { mkdirSync, writeFileSync } from "node:fs";
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
 * Builds both files (about 20 ms) and answers them. They are written to client/dist/ unless `write` is
 * false: a caller that serves or hashes them takes the contents instead of a file that another process
 * may be rewriting at that moment.
 *
 * @example const { iife } = await buildBrowserHelper({ write: false }); // iife.contents: the <script> file
 * @returns {Promise<Record<"iife" | "esm", { path: string; contents: Uint8Array }>>}
 */
export async function buildBrowserHelper({ write = true } = {}) {
  /** @type {import("esbuild").BuildOptions} */
  const common = {
    entryPoints: [browserHelper.entry],
    bundle: true,
    minify: true,
    // What a site's visitors still run: optional chaining and ??= become plain code.
    target: "es2018",
    platform: "browser",
    legalComments: "none",
    write: false,
    logLevel: "warning",
  };
  const [iife, esm] = await Promise.all([
    build({ ...common, format: "iife", globalName: "CalltouchForm", outfile: browserHelper.iife }),
    build({ ...common, format: "esm", outfile: browserHelper.esm }),
  ]).then((results) => results.map((result) => result.outputFiles?.[0]));
  if (!iife || !esm) throw new Error("esbuild wrote no output for client/src/browser/calltouch-form.ts");
  if (write) {
    mkdirSync(browserHelper.dist, { recursive: true });
    for (const file of [iife, esm]) writeFileSync(file.path, file.contents);
  }
  return { iife: { path: iife.path, contents: iife.contents }, esm: { path: esm.path, contents: esm.contents } };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const { path, contents } of Object.values(await buildBrowserHelper()))
    console.log(`${path}  ${(contents.byteLength / 1024).toFixed(1)} KB`);
}
