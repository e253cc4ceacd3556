// The client as a partner installs it: packed by pnpm (which builds it first), installed with plain npm
// into a project outside this workspace with its own tsconfig.json, type-checked by this workspace's
// TypeScript, and run against the dev servers. The partner's files are in fixtures/packed-client/.
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assets } from "../../scripts/build-assets.mjs";
import { type DevServers, startDevServers } from "./dev-servers";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const fixtures = fileURLToPath(new URL("./fixtures/packed-client", import.meta.url));
const tsc = join(root, "node_modules/.bin/tsc");

const work = mkdtempSync(join(tmpdir(), "calltouch-gateway-packed-"));
const project = join(work, "partner-app");
let servers: DevServers | undefined;
/** tsc's verdict on the partner's usage.ts, which it also compiles to dist/usage.js. */
let usage: { code: number; errors: string[] };

beforeAll(async () => {
  await run("pnpm", ["pack", "--pack-destination", work], { cwd: join(root, "client") });
  const tarball = readdirSync(work).find((name) => name.endsWith(".tgz"));
  if (!tarball) throw new Error(`pnpm pack left no tarball in ${work}`);
  cpSync(fixtures, project, { recursive: true });
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "partner-app", private: true, type: "module" }));
  // Plain npm, as a partner would: the client's own dependencies come from the registry.
  await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", join(work, tarball), "@types/node@22.19.1"], {
    cwd: project,
  });
  usage = await typeCheck("tsconfig.json");
  servers = await startDevServers();
}, 300_000);

afterAll(async () => {
  await servers?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Runs tsc in the partner's project; answers its exit code and the `file(line,col): error` lines. */
async function typeCheck(config: string): Promise<{ code: number; errors: string[] }> {
  const result = await run(tsc, ["-p", config], { cwd: project }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
  return { code: result.code, errors: result.stdout.split("\n").filter((line) => /^\S+\(\d+,\d+\): error/.test(line)) };
}

describe("the packed client in a project outside the workspace", () => {
  it("ships its types in one self-contained file, with no path into the workspace", () => {
    const installed = join(project, "node_modules/@calltouch-gateway/client");
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
    // Ranges: an app that already has tRPC 11 keeps one copy of it.
    expect(manifest.dependencies).toEqual({
      "@trpc/client": expect.stringMatching(/^\^11\./),
      "@trpc/server": expect.stringMatching(/^\^11\./),
    });
    const types = readFileSync(join(installed, "dist/index.d.ts"), "utf8");
    const imports = [...types.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
    expect(new Set(imports)).toEqual(new Set(["@trpc/server", "@trpc/client"]));
    // No other way out of the file: no import types, no references to other declarations.
    expect(types).not.toMatch(/import\(|\/\/\/ <reference/);
  });

  it("ships the website-form helper byte for byte as the gateway serves it, cached for a year", async () => {
    const shipped = readFileSync(join(project, "node_modules/@calltouch-gateway/client/dist/calltouch-form.js"));
    const served = await fetch(`${servers!.gatewayUrl}${assets.formHelper}`);
    expect(served.status).toBe(200);
    expect(served.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(served.headers.get("access-control-allow-origin")).toBe("*");
    expect(Buffer.from(await served.arrayBuffer()).equals(shipped)).toBe(true);
  });

  it("compiles the partner's usage, library declarations checked too", () => {
    expect(usage.errors).toEqual([]);
    expect(usage.code).toBe(0);
  });

  it("refuses exactly the marked mistakes", async () => {
    const source = readFileSync(join(project, "wrong.ts"), "utf8").split("\n");
    const marked = source.flatMap((line, index) => (/;\s*\/\/ error: /.test(line) ? [index + 1] : []));
    expect(marked.length).toBeGreaterThanOrEqual(10);

    const { errors } = await typeCheck("tsconfig.wrong.json");
    const failing = [...new Set(errors.map((line) => Number(/^wrong\.ts\((\d+),/.exec(line)?.[1])))];
    expect(failing).toEqual(marked);
  });

  it("runs the compiled usage against the gateway: typed receipts, field errors as data, a lead with a public key", async () => {
    const { stdout } = await run(
      process.execPath,
      ["dist/usage.js", servers!.gatewayUrl, "dev-key", "pk_dev_website_form", "http://localhost:8080"],
      {
        cwd: project,
      },
    );
    const result = JSON.parse(stdout);

    expect(result.state).toBe("delivered");
    expect(result.calltouchOrderId).toEqual(expect.any(Number));
    expect(result.updated).toEqual(["queued"]);
    expect(result.deleted).toEqual(["queued"]);
    expect(result.preview).toEqual([
      { sentAs: "update", calltouch: expect.objectContaining({ orderNumber: "packed-client-1", revenue: "1500.00" }) },
    ]);
    expect(result.fieldErrors).toEqual(["phones[0]"]);
    expect(result.changes).toBe(2);
    expect(result.lead).toEqual({ orderNumber: expect.stringMatching(/^dev-form-/), state: "queued" });
    expect(result.leadErrors).toEqual(["email"]);
  });
});
