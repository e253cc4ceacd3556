// Writes the gateway's static assets (wrangler.toml [assets]: Cloudflare serves them without running the
// Worker, and worker/public/_headers gives them a year of caching and CORS):
//   worker/public/static/scalar-api-reference-<version>.js   the /docs page's renderer (@scalar/api-reference's
//                                                            standalone build), so the page needs no CDN
//   worker/public/static/calltouch-form-<version>.js, .mjs   the website-form helper, as client/ builds it;
//                                                            <version> is the client package's
// Each name carries its version: a file once served under a name never changes, which is what lets
// browsers keep it for a year and sites pin it with an integrity hash (README "Website forms").
// It also writes worker/public/openapi-schemas.json again (scripts/openapi-schemas.mjs), so that no
// `wrangler dev` or deploy runs a document older than the contract.
//
//   node scripts/build-assets.mjs      (wrangler runs it before every `wrangler dev` and `wrangler deploy`)
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBrowserHelper } from "../client/scripts/build-browser.mjs";
import { writeOpenApiSchemas } from "./openapi-schemas.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const scalar = join(root, "worker/node_modules/@scalar/api-reference");
const version = (/** @type {string} */ packageDir) => JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")).version;

/** Where the assets land, and the URL path of each on the gateway. */
export const assets = {
  dir: join(root, "worker/public/static"),
  apiReference: `/static/scalar-api-reference-${version(scalar)}.js`,
  formHelper: `/static/calltouch-form-${version(join(root, "client"))}.js`,
  formHelperModule: `/static/calltouch-form-${version(join(root, "client"))}.mjs`,
};

/**
 * Writes the assets and removes any other file of the folder (an old version's is not shipped), and
 * answers their paths. Each file is written under a temporary name and renamed into place, so that a
 * gateway serving the folder (another `wrangler dev` of the tests) never reads half a file.
 *
 * @example const files = await buildAssets(); // [".../worker/public/static/scalar-api-reference-1.76.0.js", …]
 * @returns {Promise<string[]>}
 */
export async function buildAssets() {
  mkdirSync(assets.dir, { recursive: true });
  const helper = await buildBrowserHelper({ write: false });
  /** @type {[string, Uint8Array][]} */
  const files = [
    [assets.apiReference, readFileSync(join(scalar, "dist/browser/standalone.js"))],
    [assets.formHelper, helper.iife.contents],
    [assets.formHelperModule, helper.esm.contents],
  ];
  const written = files.map(([urlPath, contents]) => {
    const to = join(assets.dir, urlPath.slice("/static/".length));
    const temporary = `${to}.${process.pid}.tmp`;
    writeFileSync(temporary, contents);
    renameSync(temporary, to);
    return to;
  });
  for (const name of readdirSync(assets.dir)) {
    const path = join(assets.dir, name);
    if (!written.includes(path) && !name.endsWith(".tmp")) rmSync(path, { force: true });
  }
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = await buildAssets();
  console.log(`[build-assets] ${files.length} files in worker/public/static`);
  if (await writeOpenApiSchemas()) console.log("[build-assets] worker/public/openapi-schemas.json written from the contract");
}
