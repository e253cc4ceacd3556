// REST callers' compile-time checks, as the README shows them: types generated from the gateway's
// OpenAPI document by openapi-typescript, calls made with openapi-fetch, and each body written with
// `satisfies` on its schema (openapi-fetch itself lets unknown fields through). The partner's files are
// in fixtures/rest-client/; the types are generated here, from the module the Worker serves.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import openapiTS, { astToString } from "openapi-typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCHEMAS_PATH } from "../../scripts/openapi-schemas.mjs";
import { buildOpenApiDocument } from "../../worker/src/rest/openapi.ts";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const tsc = join(root, "node_modules/.bin/tsc");
const project = mkdtempSync(join(tmpdir(), "calltouch-gateway-rest-client-"));

beforeAll(async () => {
  cpSync(fileURLToPath(new URL("./fixtures/rest-client", import.meta.url)), project, { recursive: true });
  const limits = { maxOrdersPerCall: 1000, maxWaitMs: 30_000, maxBodyBytes: 2 * 1024 * 1024 };
  const types = astToString(await openapiTS(JSON.stringify(buildOpenApiDocument(limits, JSON.parse(readFileSync(SCHEMAS_PATH, "utf8"))))));
  writeFileSync(join(project, "gateway-api.d.ts"), types);
  mkdirSync(join(project, "node_modules"));
  symlinkSync(join(root, "test/node_modules/openapi-fetch"), join(project, "node_modules/openapi-fetch"), "dir");
}, 60_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

/** tsc's `file(line,col): error` lines for one of the project's configs. */
async function errorsOf(config: string): Promise<string[]> {
  const stdout = await run(tsc, ["-p", config], { cwd: project }).then(
    (result) => result.stdout,
    (error: { stdout: string }) => error.stdout,
  );
  return stdout.split("\n").filter((line) => /^\S+\(\d+,\d+\): error/.test(line));
}

describe("REST calls typed from /openapi.json", () => {
  it("compile as the README writes them", async () => {
    expect(await errorsOf("tsconfig.json")).toEqual([]);
  });

  it("refuse exactly the marked mistakes", async () => {
    const marked = readFileSync(join(project, "wrong.ts"), "utf8")
      .split("\n")
      .flatMap((line, index) => (/;\s*\/\/ error: /.test(line) ? [index + 1] : []));
    expect(marked.length).toBeGreaterThanOrEqual(5);

    const failing = [...new Set((await errorsOf("tsconfig.wrong.json")).map((line) => Number(/^wrong\.ts\((\d+),/.exec(line)?.[1])))];
    expect(failing).toEqual(marked);
  });
});
