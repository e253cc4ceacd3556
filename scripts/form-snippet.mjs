// Keeps the website-form helper's <script> tag true where a site owner copies it from (README "Website
// forms" and examples/website-form/index.html): the gateway's versioned URL of calltouch-form.js and the
// file's integrity hash (Subresource Integrity: a browser runs the file only if it hashes to this).
//
//   node scripts/form-snippet.mjs           (or: pnpm run docs:form-snippet)  rewrites both tags
//   node scripts/form-snippet.mjs --check   exits 1 when a tag is not the current one
//
// test/tooling/assets.test.ts runs the check in the test suite.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBrowserHelper } from "../client/scripts/build-browser.mjs";
import { assets } from "./build-assets.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The files that show the tag, relative to the repository. */
export const SNIPPET_FILES = ["README.md", "examples/website-form/index.html"];

/** A tag as the files write it: the gateway's address, the versioned path, the hash. */
const TAG = /(\/static\/calltouch-form-)([0-9][^"/]*)(\.js" integrity=")(sha384-[A-Za-z0-9+/=]+)(")/g;

/**
 * The helper's URL path on the gateway and its integrity hash, built afresh from client/src/browser/.
 *
 * @example const { path, integrity } = await formHelperTag(); // "/static/calltouch-form-0.1.0.js", "sha384-…"
 * @returns {Promise<{ path: string; version: string; integrity: string }>}
 */
export async function formHelperTag() {
  const { iife } = await buildBrowserHelper({ write: false });
  const digest = createHash("sha384").update(iife.contents).digest("base64");
  const version = /calltouch-form-(.+)\.js$/.exec(assets.formHelper)?.[1] ?? "";
  return { path: assets.formHelper, version, integrity: `sha384-${digest}` };
}

/**
 * What is wrong with the tags of `text` (a file's content), each problem with the command that mends it.
 *
 * @param {string} text
 * @param {{ version: string; integrity: string }} current
 * @returns {string[]}
 */
export function tagProblems(text, current) {
  const tags = [...text.matchAll(TAG)];
  if (tags.length === 0) return ['no <script src="…/static/calltouch-form-<version>.js" integrity="sha384-…"> tag'];
  return tags.flatMap(([, , version, , integrity]) => {
    if (version === current.version && integrity === current.integrity) return [];
    if (version === current.version) {
      return [
        `calltouch-form.js changed but its version (${version}) did not: browsers keep the old file for a year under that URL. ` +
          "Raise client/package.json's version, then run `pnpm run docs:form-snippet`",
      ];
    }
    return [`the tag names calltouch-form ${version}, the client is ${current.version}: run \`pnpm run docs:form-snippet\``];
  });
}

/**
 * `text` with every tag made the current one.
 *
 * @param {string} text
 * @param {{ version: string; integrity: string }} current
 */
export function withCurrentTag(text, current) {
  return text.replace(TAG, (_, path, _version, middle, _integrity, end) => `${path}${current.version}${middle}${current.integrity}${end}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const current = await formHelperTag();
  let failed = false;
  for (const file of SNIPPET_FILES) {
    const text = readFileSync(join(root, file), "utf8");
    if (process.argv.includes("--check")) {
      for (const problem of tagProblems(text, current)) {
        console.error(`${file}: ${problem}`);
        failed = true;
      }
    } else {
      writeFileSync(join(root, file), withCurrentTag(text, current));
      console.log(`${file}: ${current.path} ${current.integrity}`);
    }
  }
  if (failed) process.exit(1);
}
