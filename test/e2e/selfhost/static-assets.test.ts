// The static assets' snapshot that a self-hosted start serves (scripts/selfhost/static-assets.mjs): which
// files it takes, as `wrangler deploy` would upload them, the headers each will carry, and what it refuses
// to serve differently from Cloudflare.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { snapshotAssets } from "../../../scripts/selfhost/static-assets.mjs";

let scratch: string;
let from: string;
let to: string;

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), "calltouch-gateway-assets-"));
  [from, to] = [join(scratch, "public"), join(scratch, "snapshot")];
  mkdirSync(from);
});

afterEach(() => rmSync(scratch, { recursive: true, force: true }));

function write(files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(from, path)), { recursive: true });
    writeFileSync(join(from, path), text);
  }
}

describe("the static assets' snapshot", () => {
  it("copies every file but the configuration and what .assetsignore names, each with its ETag and Content-Type", () => {
    write({
      "static/app.js": "console.log(1);",
      "static/same.mjs": "console.log(1);",
      "static/app.js.map": "{}",
      "static/style.css": "body {}",
      "data/list.json": "[]",
      "fonts/a.woff2": "font",
      "notes.unknownext": "?",
      ".well-known/security.txt": "Contact: mailto:security@example.com",
      "private/secret.txt": "not for the public",
      _headers: "/static/*\n  Cache-Control: public, max-age=31536000, immutable\n",
      ".assetsignore": "*.map\nprivate/\n",
    });

    const { manifest, headers, problems, bytes } = snapshotAssets({ from, to, htmlHandling: undefined });

    expect(Object.fromEntries(Object.entries(manifest).map(([path, { contentType }]) => [path, contentType]))).toEqual({
      "/.well-known/security.txt": "text/plain; charset=utf-8",
      "/data/list.json": "application/json",
      "/fonts/a.woff2": "font/woff2",
      "/notes.unknownext": null,
      "/static/app.js": "text/javascript; charset=utf-8",
      "/static/same.mjs": "text/javascript; charset=utf-8",
      "/static/style.css": "text/css; charset=utf-8",
    });
    for (const path of Object.keys(manifest)) expect(readFileSync(join(to, path))).toEqual(readFileSync(join(from, path)));
    expect(manifest["/static/app.js"]!.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(manifest["/static/same.mjs"]!.etag).toBe(manifest["/static/app.js"]!.etag);
    expect(manifest["/static/style.css"]!.etag).not.toBe(manifest["/static/app.js"]!.etag);
    expect(bytes).toBe(Object.keys(manifest).reduce((sum, path) => sum + readFileSync(join(from, path)).length, 0));
    expect(headers).toEqual([{ path: "/static/*", set: { "cache-control": "public, max-age=31536000, immutable" }, unset: [] }]);
    expect(problems).toEqual([]);
  });

  it("passes on the lines of _headers it skipped, and has no rules without the file", () => {
    write({ "a.js": "1", _headers: "/a.js\n  broken line\n  X: 1\n" });
    expect(snapshotAssets({ from, to, htmlHandling: undefined }).problems).toEqual([{ line: 2, message: expect.any(String) }]);

    rmSync(join(from, "_headers"));
    rmSync(to, { recursive: true });
    expect(snapshotAssets({ from, to, htmlHandling: undefined }).headers).toEqual([]);
  });

  it("refuses HTML assets unless html_handling is none: it serves each asset at its own path only", () => {
    write({ "index.html": "<h1>hi</h1>" });

    expect(() => snapshotAssets({ from, to, htmlHandling: undefined })).toThrow(/index\.html: .*html_handling = "none"/);
    expect(() => snapshotAssets({ from, to, htmlHandling: "auto-trailing-slash" })).toThrow(/html_handling/);
    expect(snapshotAssets({ from, to: join(scratch, "other"), htmlHandling: "none" }).manifest["/index.html"]).toMatchObject({
      contentType: "text/html; charset=utf-8",
    });
  });

  it("refuses _redirects, and a directory the build did not write, by name", () => {
    expect(() => snapshotAssets({ from: join(scratch, "missing"), to, htmlHandling: undefined })).toThrow(
      /\[assets\] directory .*missing does not exist after the build/,
    );
    write({ _redirects: "/old /new 301\n" });
    expect(() => snapshotAssets({ from, to, htmlHandling: undefined })).toThrow(/_redirects: redirects of static assets are not served/);
  });
});
