import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { assets } from "../../scripts/build-assets.mjs";
import { formHelperTag, SNIPPET_FILES, tagProblems } from "../../scripts/form-snippet.mjs";
import { RENDERER } from "../../worker/src/rest/docs";

// The files the gateway serves as static assets, and the <script> tag that site owners copy: its URL names
// a version whose file never changes, and its integrity hash is that file's.

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("the gateway's static assets", () => {
  it("the /docs page loads the renderer that scripts/build-assets.mjs writes", () => {
    expect(RENDERER).toBe(assets.apiReference);
  });

  it.each(SNIPPET_FILES)("%s shows the helper's current URL and integrity hash", async (file) => {
    const current = await formHelperTag();
    expect(tagProblems(readFileSync(join(root, file), "utf8"), current)).toEqual([]);
  });

  it("refuses a helper that changed under the same version, and names the version to raise", async () => {
    const current = await formHelperTag();
    const tag = (version: string, integrity: string) =>
      `<script src="https://gw.example/static/calltouch-form-${version}.js" integrity="${integrity}" crossorigin="anonymous" defer></script>`;

    expect(tagProblems(tag(current.version, "sha384-AAAA"), current)).toEqual([
      expect.stringContaining("Raise client/package.json's version"),
    ]);
    expect(tagProblems(tag("0.0.1", "sha384-AAAA"), current)).toEqual([expect.stringContaining("run `pnpm run docs:form-snippet`")]);
    expect(tagProblems("<script src=calltouch-form.js></script>", current)).toEqual([expect.stringContaining("no <script")]);
  });
});
