import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { experimental_readRawConfig } from "wrangler";

// The deploy of README "Deploy" in dry-run mode, from a fresh clone of this repository: what a new user
// gets from `scripts/run deploy --env … --dry-run` (a frozen install, then scripts/deploy.mjs), with the
// network cut off. Wrangler builds the bundle and the static assets and checks the config as a real deploy
// would, short of the upload; the tests read what it would have uploaded.

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "calltouch-gateway-deploy-test-"));
const clone = join(work, "calltouch-gateway");
const networkLog = join(work, "network.log");
/** Cloudflare refuses a Worker larger than this, gzipped, on the Free plan (10 MiB on Paid). */
const FREE_PLAN_LIMIT_KIB = 3 * 1024;

interface Binding {
  name: string;
  class_name?: string;
  namespace_id?: string;
  simple?: { limit: number; period: number };
}
interface Environment {
  durable_objects?: { bindings?: Binding[] };
  ratelimits?: Binding[];
}
interface Config extends Environment {
  env?: Record<string, Environment>;
  migrations?: { tag: string; new_sqlite_classes?: string[]; new_classes?: string[] }[];
}

const { rawConfig: config } = experimental_readRawConfig({ config: join(root, "wrangler.toml") }) as { rawConfig: Config };
const environments = Object.keys(config.env ?? {});
/** What `deploy.mjs --dry-run` printed for each environment, and where it left the bundle. */
const dryRuns = new Map<string, { output: string; outdir: string }>();

/** The environment every command of the test runs in: no telemetry, and every connection beyond loopback refused and logged. */
const offline = {
  ...process.env,
  NODE_OPTIONS: `--import ${join(root, "test/tooling/no-network.mjs")}`,
  NO_NETWORK_LOG: networkLog,
  WRANGLER_SEND_METRICS: "false",
  CI: "true",
};

beforeAll(async () => {
  writeFileSync(networkLog, "");
  await run("git", ["clone", "--quiet", "--no-hardlinks", root, clone]);
  // pnpm is not a Node process that the guard can watch: --offline makes it take the store or fail.
  await run("pnpm", ["install", "--frozen-lockfile", "--offline", "--reporter=silent"], { cwd: clone, env: offline });
  for (const env of environments) {
    const outdir = join(work, `out-${env}`);
    const { stdout, stderr } = await run(process.execPath, ["scripts/deploy.mjs", "--env", env, "--dry-run", "--outdir", outdir], {
      cwd: clone,
      env: offline,
    });
    dryRuns.set(env, { output: `${stdout}${stderr}`, outdir });
  }
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("scripts/run deploy --dry-run, from a fresh clone", () => {
  it("builds every environment of wrangler.toml without reaching the network", () => {
    expect(environments).toEqual(["staging", "production"]);
    for (const env of environments) expect(dryRuns.get(env)?.output).toContain("--dry-run: exiting now.");
    expect(readFileSync(networkLog, "utf8")).toBe("");
  });

  it.each(environments)("binds in %s the outbox and the rate limiters the code uses, with the top's limits", (env) => {
    const output = dryRuns.get(env)!.output;
    const expected = [
      ...(config.durable_objects?.bindings ?? []).map((binding) => `env.${binding.name} (${binding.class_name})`),
      ...(config.ratelimits ?? []).map((binding) => `env.${binding.name} (${binding.simple?.limit} requests/${binding.simple?.period}s)`),
    ];
    expect(expected).toContain("env.OUTBOX (Outbox)");
    for (const binding of expected) expect(output, `${env} lacks ${binding}: repeat the top's binding in [env.${env}]`).toContain(binding);
  });

  it("creates each Durable Object class once, with SQLite storage, and the bundle exports it", () => {
    const migrations = config.migrations ?? [];
    const tags = migrations.map((migration) => migration.tag);
    expect(new Set(tags).size).toBe(tags.length);
    const bundle = readFileSync(join(dryRuns.get("production")!.outdir, "index.js"), "utf8");
    const exported = [...bundle.matchAll(/export\s*\{([^}]*)\}/g)].at(-1)?.[1] ?? "";
    for (const { class_name } of config.durable_objects?.bindings ?? []) {
      const created = migrations.filter((migration) => migration.new_sqlite_classes?.includes(class_name!));
      expect(created, `no [[migrations]] creates ${class_name} with new_sqlite_classes`).toHaveLength(1);
      expect(migrations.some((migration) => migration.new_classes?.includes(class_name!))).toBe(false);
      expect(exported, `the bundle does not export ${class_name}`).toMatch(new RegExp(`\\b${class_name}\\b`));
    }
  });

  it("ships a Worker within the Free plan's size and the static assets it links to", () => {
    for (const env of environments) {
      const gzip = /Total Upload: [\d.]+ KiB \/ gzip: ([\d.]+) KiB/.exec(dryRuns.get(env)!.output)?.[1];
      expect(Number(gzip), `${env}: gzipped KiB`).toBeGreaterThan(0);
      expect(Number(gzip), `${env}: gzipped KiB`).toBeLessThan(FREE_PLAN_LIMIT_KIB);
    }
    const staticFiles = readdirSync(join(clone, "worker/public/static"));
    expect(staticFiles).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^scalar-api-reference-[\d.]+\.js$/),
        expect.stringMatching(/^calltouch-form-[\d.]+\.js$/),
      ]),
    );
    expect(existsSync(join(clone, "worker/public/_headers"))).toBe(true);
  });
});

describe("wrangler.toml's environments", () => {
  it.each(environments)("%s repeats the top's bindings (wrangler does not inherit them), all but the namespace ids", (env) => {
    const shape = (environment: Environment) => ({
      durableObjects: environment.durable_objects?.bindings ?? [],
      rateLimits: (environment.ratelimits ?? []).map(({ namespace_id: _id, ...binding }) => binding),
    });
    expect(shape(config.env![env]!)).toEqual(shape(config));
  });

  it("gives each environment rate-limit counters of its own", () => {
    const ids = environments.flatMap((env) => (config.env![env]!.ratelimits ?? []).map((binding) => binding.namespace_id));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
