// The static assets of a self-hosted Worker (wrangler.toml [assets]), as `wrangler deploy` uploads them: a
// snapshot of the directory taken at start, after the build wrote it, so that what is served stays
// what the Worker was started with while the repository changes (a `git pull`, another build). Each
// file is listed with the ETag and Content-Type its answers carry; `.assetsignore` and the
// configuration files are left out, as wrangler leaves them out. assets-router.mjs serves the snapshot.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import ignore from "ignore";
import mime from "mime";
import { parseHeadersFile } from "./headers-file.mjs";

/**
 * @typedef {import("./assets-router.mjs").Asset} Asset
 * @typedef {import("./headers-file.mjs").HeadersRule} HeadersRule
 * @typedef {import("./headers-file.mjs").HeadersProblem} HeadersProblem
 * @typedef {{ manifest: Record<string, Asset>; headers: HeadersRule[]; problems: HeadersProblem[]; bytes: number }} AssetsSnapshot
 */

/** Files of the directory that say how to serve it, never served themselves (wrangler's own list). */
const CONFIGURATION_FILES = [".assetsignore", "_headers", "_redirects"];

/**
 * Copies the assets of `from` into `to` (an empty directory) and answers what the router needs: each
 * asset by its URL path, the `_headers` rules, the lines of `_headers` skipped, and the bytes copied.
 * Throws an Error naming what self-hosting cannot serve as Cloudflare would.
 *
 * @example
 * const { manifest, headers } = snapshotAssets({ from: "worker/public", to: "/var/lib/gw/build/assets", htmlHandling: undefined });
 * manifest["/static/app.js"]; // { etag: "5e0c…", contentType: "text/javascript; charset=utf-8" }
 *
 * @param {{ from: string; to: string; htmlHandling: string | undefined }} options
 * @returns {AssetsSnapshot}
 */
export function snapshotAssets({ from, to, htmlHandling }) {
  if (!existsSync(from) || !statSync(from).isDirectory()) {
    throw new Error(`the [assets] directory ${from} does not exist after the build (wrangler.toml's [build] command writes it?)`);
  }
  if (existsSync(join(from, "_redirects"))) {
    throw new Error(
      `${join(from, "_redirects")}: redirects of static assets are not served self-hosted; teach scripts/selfhost/assets-router.mjs to follow them`,
    );
  }
  const ignored = ignore().add(CONFIGURATION_FILES.map((name) => `/${name}`));
  if (existsSync(join(from, ".assetsignore"))) ignored.add(readFileSync(join(from, ".assetsignore"), "utf8"));

  /** @type {Record<string, Asset>} */
  const manifest = {};
  let bytes = 0;
  for (const file of /** @type {string[]} */ (readdirSync(from, { recursive: true })).sort()) {
    const path = file.split(sep).join("/");
    if (ignored.ignores(path) || !statSync(join(from, file)).isFile()) continue;
    const contents = readFileSync(join(from, file));
    mkdirSync(dirname(join(to, file)), { recursive: true });
    writeFileSync(join(to, file), contents);
    bytes += contents.length;
    manifest[`/${path}`] = { etag: createHash("sha256").update(contents).digest("hex").slice(0, 32), contentType: contentTypeOf(path) };
  }

  // Cloudflare serves /page.html at /page and /dir/index.html at /dir/ (html_handling); the router serves
  // every asset at its own path only, which is the same wherever no HTML file is among the assets.
  const html = Object.keys(manifest).find((path) => path.endsWith(".html"));
  if (html && htmlHandling !== "none") {
    throw new Error(
      `${join(from, html.slice(1))}: self-hosting serves each asset at its exact path only; set html_handling = "none" in [assets], or teach scripts/selfhost/assets-router.mjs Cloudflare's HTML handling`,
    );
  }

  const headersFile = join(from, "_headers");
  const { rules, problems } = existsSync(headersFile) ? parseHeadersFile(readFileSync(headersFile, "utf8")) : { rules: [], problems: [] };
  return { manifest, headers: rules, problems, bytes };
}

/** The Content-Type wrangler gives an asset: by its extension (the mime package, as wrangler bundles it), UTF-8 for text. */
function contentTypeOf(/** @type {string} */ path) {
  const type = mime.getType(path);
  return type?.startsWith("text/") && !type.includes("charset") ? `${type}; charset=utf-8` : type;
}
