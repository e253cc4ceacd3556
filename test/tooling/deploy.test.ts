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

describe("scripts/run deploy, the first and a later deploy (wrangler played by a recorder)", () => {
  const uploads = join(work, "uploads.jsonl");
  /** Each `wrangler deploy` the script ran: the secrets it uploaded with the code. */
  const deploys = () =>
    readFileSync(uploads, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { args: string[]; secrets: Record<string, string> | null });

  beforeAll(() => {
    // The clone's wrangler is replaced by a recorder (unlinked first: the file is a hard link into pnpm's
    // store). It is logged in, lists the secrets it is told to, and writes down what each deploy uploads.
    const bin = join(clone, "node_modules/wrangler/bin/wrangler.js");
    rmSync(bin);
    writeFileSync(
      bin,
      `const { appendFileSync, readFileSync } = require("node:fs");
const args = process.argv.slice(2);
if (args[0] === "whoami") process.stdout.write("{}");
else if (args[0] === "secret") process.stdout.write(JSON.stringify(JSON.parse(process.env.FAKE_SECRETS).map((name) => ({ name }))));
else if (args[0] === "deploy") {
  const file = args[args.indexOf("--secrets-file") + 1];
  const secrets = args.includes("--secrets-file") ? JSON.parse(readFileSync(file, "utf8")) : null;
  appendFileSync(process.env.FAKE_UPLOADS, JSON.stringify({ args, secrets }) + "\\n");
}
`,
    );
    writeFileSync(uploads, "");
  });

  const deploy = (present: string[]) =>
    run(process.execPath, ["scripts/deploy.mjs", "--env", "staging"], {
      cwd: clone,
      env: {
        ...offline,
        CALLTOUCH_SITE_ID: "12345",
        CALLTOUCH_TOKEN: "token-of-the-test",
        FAKE_SECRETS: JSON.stringify(present),
        FAKE_UPLOADS: uploads,
      },
    });

  it("uploads the site, the token, a first admin key and a random console key with the first deploy's code", async () => {
    await deploy([]);
    const [first] = deploys();
    expect(first?.args.slice(0, 3)).toEqual(["deploy", "--env", "staging"]);
    expect(Object.keys(first?.secrets ?? {}).sort()).toEqual(["API_KEYS", "CALLTOUCH_SITE_ID", "CALLTOUCH_TOKEN", "CONSOLE_SESSION_KEY"]);
    expect(first?.secrets?.CALLTOUCH_TOKEN).toBe("token-of-the-test");
    expect(first?.secrets?.CONSOLE_SESSION_KEY).toMatch(/^[\w-]{43}$/);
    expect(JSON.parse(first?.secrets?.API_KEYS ?? "{}")).toEqual(JSON.parse(readFileSync(join(clone, "api-keys.json"), "utf8")));
    expect(readFileSync(networkLog, "utf8")).toBe("");
  });

  it("keeps every secret on a later deploy, the console key too (a new one would sign every operator out)", async () => {
    await deploy(["API_KEYS", "CALLTOUCH_SITE_ID", "CALLTOUCH_TOKEN", "CONSOLE_SESSION_KEY"]);
    expect(deploys()[1]).toEqual({ args: ["deploy", "--env", "staging"], secrets: null });
  });

  it("makes a console key for an environment deployed before the console existed, and nothing else", async () => {
    await deploy(["API_KEYS", "CALLTOUCH_SITE_ID", "CALLTOUCH_TOKEN"]);
    const secrets = deploys()[2]?.secrets ?? {};
    expect(Object.keys(secrets)).toEqual(["CONSOLE_SESSION_KEY"]);
    expect(secrets.CONSOLE_SESSION_KEY).not.toBe(deploys()[0]?.secrets?.CONSOLE_SESSION_KEY);
  });
});
