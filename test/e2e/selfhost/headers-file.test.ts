// The `_headers` file of the static assets, read as `wrangler deploy` reads it for Cloudflare
// (scripts/selfhost/headers-file.mjs): the project's own file, every kind of line, and what is skipped.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseHeadersFile } from "../../../scripts/selfhost/headers-file.mjs";

const projectHeaders = fileURLToPath(new URL("../../../worker/public/_headers", import.meta.url));

describe("reading _headers", () => {
  it("reads the project's file: a year of caching and CORS for /static/*", () => {
    expect(parseHeadersFile(readFileSync(projectHeaders, "utf8"))).toEqual({
      rules: [
        {
          path: "/static/*",
          set: {
            "cache-control": "public, max-age=31536000, immutable",
            "access-control-allow-origin": "*",
            "cross-origin-resource-policy": "cross-origin",
            "x-content-type-options": "nosniff",
          },
          unset: [],
        },
      ],
      problems: [],
    });
  });

  it("keeps the file's order, joins a name given twice in a rule, reads `! Name`, and lets a path given twice keep its place", () => {
    const text = [
      "# comment",
      "/a/:name",
      "  Link: </one>",
      "  link: </two>",
      "  Value-With-Colon: a:b:c",
      "/b",
      "  ! X-Powered-By",
      "https://docs.example/*",
      "  X-Robots-Tag: noindex",
      "/a/:name",
      "  X-Again: yes",
      "",
    ].join("\r\n");

    expect(parseHeadersFile(text)).toEqual({
      rules: [
        { path: "/a/:name", set: { "x-again": "yes" }, unset: [] },
        { path: "/b", set: {}, unset: ["X-Powered-By"] },
        { path: "https://docs.example/*", set: { "x-robots-tag": "noindex" }, unset: [] },
      ],
      problems: [],
    });
    expect(parseHeadersFile("/a\n  Link: </one>\n  link: </two>\n").rules[0]!.set).toEqual({ link: "</one>, </two>" });
    expect(parseHeadersFile("/a b/c\n  X: 1\n").rules[0]!.path).toBe("/a%20b/c");
  });

  it.each([
    ["a header before any path", "  X-Header: 1\n/a\n  Ok: 1\n", 1, /before any path/],
    ["a path without headers", "/empty\n/a\n  Ok: 1\n", 1, /\/empty has no headers/],
    ["a line that is neither", "/a\n  not a header\n  Ok: 1\n", 2, /Name: value/],
    ["a name with a space", "/a\n  X Header: 1\n  Ok: 1\n", 2, /one word/],
    ["an empty value", "/a\n  X-Header:\n  Ok: 1\n", 2, /x-header has no value/],
    ["a line over 2000 characters", `/a\n  X: ${"x".repeat(2000)}\n  Ok: 1\n`, 2, /longer than 2000/],
    ["a URL that is not https", "ftp://host/b\n  X: 1\n/a\n  Ok: 1\n", 1, /starts with \/ and a URL with https/],
    ["a URL with a port", "https://host:8443/b\n  X: 1\n/a\n  Ok: 1\n", 1, /port/],
    ["two wildcards", "/b/*/c/*\n  X: 1\n/a\n  Ok: 1\n", 1, /only one \*/],
    ["a wildcard beside :splat", "/b/*/:splat\n  X: 1\n/a\n  Ok: 1\n", 1, /cannot be combined/],
  ])("skips %s and names its line, as wrangler does, and reads the rest", (_, text, line, message) => {
    expect(parseHeadersFile(text)).toEqual({
      rules: [{ path: "/a", set: { ok: "1" }, unset: [] }],
      problems: [{ line, message: expect.stringMatching(message) }],
    });
  });

  it("reads at most 100 rules, as Cloudflare does", () => {
    const text = Array.from({ length: 101 }, (_, index) => `/r${index}\n  X: ${index}\n`).join("");
    const { rules, problems } = parseHeadersFile(text);

    expect(rules).toHaveLength(100);
    expect(rules.at(-1)!.path).toBe("/r99");
    expect(problems).toEqual([{ line: 201, message: expect.stringMatching(/more than 100 rules/) }]);
  });
});
