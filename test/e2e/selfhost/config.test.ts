// The workerd configuration that `scripts/run selfhost` makes from wrangler.toml: that it gives the Worker
// every binding Cloudflare would (checked against `wrangler types`' own reading of the file, so that a
// binding added to wrangler.toml and not to self-hosting fails here), refuses what it cannot provide, and
// never writes a secret into the file.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";
import { describe, expect, it } from "vitest";
import { capnpConfig } from "../../../scripts/selfhost/capnp-text.mjs";
import { workerSettings } from "../../../scripts/selfhost/environment.mjs";
import {
  ASSETS_FILES_SERVICE,
  ASSETS_ROUTER_SERVICE,
  RATE_LIMIT_MODULE,
  SELF_HOSTED_BINDING,
  workerdConfig,
} from "../../../scripts/selfhost/workerd-config.mjs";
import { readWranglerConfig } from "../../../scripts/selfhost/wrangler-config.mjs";

const root = fileURLToPath(new URL("../../..", import.meta.url));

type Setting = { value: string; from: "env file" | "environment" };

/** A snapshot of static assets, as the launcher passes it when wrangler.toml has [assets]. */
const snapshot = {
  directory: "/var/lib/calltouch-gateway/build/assets",
  manifest: { "/static/app.js": { etag: "0123", contentType: "text/javascript; charset=utf-8" } },
  headers: [{ path: "/static/*", set: { "cache-control": "public, max-age=31536000, immutable" }, unset: [] }],
  routerModule: "assets-router.mjs",
};

/** The configuration of a wrangler.toml's text, with `settings` from the environment. */
function configOf(toml: string, settings: Map<string, Setting> = new Map(), environment?: string) {
  const worker = readWranglerConfig(toml, environment);
  const config = workerdConfig({
    worker,
    modules: [{ name: "index.js", path: "bundle/index.js" }],
    settings,
    listen: "127.0.0.1:8790",
    storage: "/var/lib/calltouch-gateway/durable-objects",
    rateLimitModule: "rate-limit.mjs",
    workerdVersion: "1.20261102.1",
    assets: worker.assets && snapshot,
  });
  const [service, , internet] = config.services as any[];
  return { worker, config, service: service.worker, bindings: service.worker.bindings as any[], allow: internet.network.allow as string[] };
}

/** The bindings `wrangler types` found in a wrangler.toml (and its .dev.vars.example), from the file it generated. */
function wranglerTypesBindings(generated: string): Map<string, string> {
  const body = /interface __BaseEnv_Env \{([^}]*)\}/.exec(readFileSync(join(root, generated), "utf8"))?.[1];
  if (!body) throw new Error(`${generated} has no __BaseEnv_Env: has wrangler types changed its output?`);
  return new Map([...body.matchAll(/^\s*(\w+): (.+);$/gm)].map(([, name, type]) => [name!, type!]));
}

const minimal = `name = "w"\nmain = "src/index.ts"\ncompatibility_date = "2026-10-15"\n`;

describe.each([
  { worker: "the gateway", toml: "wrangler.toml", types: "worker/worker-configuration.d.ts" },
  { worker: "the simulator", toml: "simulator/wrangler.toml", types: "simulator/worker-configuration.d.ts" },
])("the workerd configuration of $worker", ({ toml, types }) => {
  const path = join(root, toml);
  const text = readFileSync(path, "utf8");
  // Every secret the project declares is set, as a deployment sets them.
  const example = join(root, toml.replace(/wrangler\.toml$/, ".dev.vars.example"));
  const secrets = existsSync(example) ? Object.keys(parseEnv(readFileSync(example, "utf8"))) : [];
  const settings = workerSettings(readWranglerConfig(text), path, secrets.map((name) => `${name}=set-by-test`).join("\n"), {});

  it("has a counterpart of every binding wrangler sees in wrangler.toml, and nothing else but SELF_HOSTED", () => {
    const { bindings, service } = configOf(text, settings);
    const expected = wranglerTypesBindings(types);

    for (const [name, type] of expected) {
      const binding = bindings.find((candidate) => candidate.name === name);
      expect(binding, `${name} (${type}) has no binding in the workerd configuration`).toBeDefined();
      const durableObject = /^DurableObjectNamespace<import\(".*"\)\.(\w+)>$/.exec(type)?.[1];
      if (type === "RateLimit") {
        expect(binding.wrapped.moduleName).toBe(RATE_LIMIT_MODULE);
      } else if (type === "Fetcher") {
        // The only service binding wrangler.toml gives: [assets] binding, to the assets' files.
        expect(binding).toEqual({ name, service: ASSETS_FILES_SERVICE });
      } else if (durableObject) {
        expect(binding.durableObjectNamespace).toBe(durableObject);
        expect(service.durableObjectNamespaces).toContainEqual(expect.objectContaining({ className: durableObject, enableSql: true }));
      } else {
        expect(type, `${name} is a ${type}, which scripts/selfhost does not provide`).toBe("string");
        expect(binding.text ?? binding.fromEnvironment).toBeDefined();
      }
    }
    expect(bindings.map(({ name }) => name).sort()).toEqual([...expected.keys(), SELF_HOSTED_BINDING].sort());
  });

  it("stores every Durable Object class of wrangler types in SQLite on the data directory's disk", () => {
    const { service } = configOf(text, settings);
    const classes = /durableNamespaces: (.+);/
      .exec(readFileSync(join(root, types), "utf8"))![1]!
      .match(/"(\w+)"/g)!
      .map((name) => name.slice(1, -1));

    expect(service.durableObjectNamespaces.map(({ className }: { className: string }) => className).sort()).toEqual(classes.sort());
    expect(service.durableObjectStorage).toEqual({ localDisk: "durable-objects" });
  });
});

describe("reading wrangler.toml", () => {
  it("keeps a class's storage through renames, and drops deleted classes", () => {
    const { service, bindings } = configOf(`${minimal}
[[durable_objects.bindings]]
name = "QUEUE"
class_name = "Queue"
[[migrations]]
tag = "v1"
new_sqlite_classes = ["Outbox"]
[[migrations]]
tag = "v2"
renamed_classes = [{ from = "Outbox", to = "Queue" }]
new_classes = ["Legacy"]
[[migrations]]
tag = "v3"
deleted_classes = ["Legacy"]
`);

    expect(service.durableObjectNamespaces).toEqual([{ className: "Queue", uniqueKey: "w-Outbox", enableSql: true }]);
    expect(bindings).toContainEqual({ name: "QUEUE", durableObjectNamespace: "Queue" });
  });

  it.each([
    [
      "a binding kind it cannot provide",
      `kv_namespaces = [{ binding = "KV", id = "1" }]`,
      /"kv_namespaces" has no self-hosted counterpart/,
    ],
    ["cron triggers, which workerd would never fire", `[triggers]\ncrons = ["* * * * *"]`, /"triggers" has no self-hosted counterpart/],
    [
      "a Durable Object of another Worker",
      `[[durable_objects.bindings]]\nname = "X"\nclass_name = "X"\nscript_name = "other"`,
      /"X" lives in another Worker/,
    ],
    [
      "a Durable Object no migration creates",
      `[[durable_objects.bindings]]\nname = "X"\nclass_name = "X"`,
      /names class "X", which no migration creates/,
    ],
    [
      "a class moved from another Worker",
      `[[migrations]]\ntag = "v1"\ntransferred_classes = [{ from = "A", from_script = "s", to = "A" }]`,
      /"transferred_classes"/,
    ],
    [
      "a rate limit over a period Cloudflare does not have",
      `[[ratelimits]]\nname = "R"\nnamespace_id = "1"\nsimple = { limit = 5, period = 30 }`,
      /period = 10 or 60/,
    ],
  ])("refuses %s, by name", (_, extra, error) => {
    expect(() => configOf(`${minimal}${extra}\n`)).toThrow(error);
  });

  it("tells the Worker what wrangler.toml asks for that only Cloudflare has, and ignores what is switched off", () => {
    const { bindings } = configOf(
      `${minimal}[observability]\nenabled = true\n[placement]\nmode = "smart"\n[limits]\ncpu_ms = 50\nlogpush = false\n`,
    );
    const selfHosted = JSON.parse(bindings.find(({ name }) => name === SELF_HOSTED_BINDING).json);

    expect(selfHosted).toEqual({
      runtime: "workerd 1.20261102.1",
      unavailable: [expect.stringMatching(/^Workers Logs/), expect.stringMatching(/^placement/), expect.stringMatching(/^CPU limits/)],
    });
    expect(configOf(`${minimal}[observability]\nenabled = false\n[placement]\nmode = "off"\n`).worker.unavailable).toEqual([]);
  });

  it("reads an environment as wrangler does: its own name, vars and bindings, the rest inherited", () => {
    const { worker, bindings } = configOf(
      `${minimal}[vars]\nTOP = "1"\n[env.production]\n[env.production.vars]\nONLY_HERE = "2"\n`,
      new Map(),
      "production",
    );

    expect(worker).toMatchObject({ name: "w-production", compatibilityDate: "2026-10-15", vars: { ONLY_HERE: "2" } });
    expect(bindings.map(({ name }) => name)).toEqual(["ONLY_HERE", SELF_HOSTED_BINDING]);
    expect(() => configOf(minimal, new Map(), "staging")).toThrow(/no \[env\.staging\]/);
  });
});

describe("static assets", () => {
  it("are served before the Worker: the socket serves the router, which hands the Worker what names no asset", () => {
    const { worker, config, bindings } = configOf(readFileSync(join(root, "wrangler.toml"), "utf8"));
    const services = config.services as any[];
    const router = services.find(({ name }) => name === ASSETS_ROUTER_SERVICE);

    expect(worker.assets).toEqual({
      directory: "worker/public",
      htmlHandling: undefined,
      binding: "ASSETS",
      workerFirst: ["/trpc/*", "/v1/*", "/lead-service/*", "/forms/*"],
    });
    // The Worker reads the assets too (the OpenAPI document's schemas), from the same files.
    expect(bindings).toContainEqual({ name: "ASSETS", service: ASSETS_FILES_SERVICE });
    expect(worker.unavailable).toEqual([]);
    expect(config.sockets).toEqual([expect.objectContaining({ name: "http", service: ASSETS_ROUTER_SERVICE })]);
    expect(router.worker.bindings).toEqual([
      { name: "WORKER", service: "calltouch-gateway" },
      { name: "FILES", service: ASSETS_FILES_SERVICE },
      { name: "MANIFEST", json: JSON.stringify(snapshot.manifest) },
      { name: "HEADERS", json: JSON.stringify(snapshot.headers) },
      { name: "WORKER_FIRST", json: JSON.stringify(["/trpc/*", "/v1/*", "/lead-service/*", "/forms/*"]) },
    ]);
    expect(services.find(({ name }) => name === ASSETS_FILES_SERVICE)).toEqual({
      name: ASSETS_FILES_SERVICE,
      disk: { path: snapshot.directory, writable: false, allowDotfiles: true },
    });
    expect(capnpConfig(config)).toContain('esModule = embed "assets-router.mjs"');
  });

  it("leave the socket to the Worker when wrangler.toml has none, and are inherited by an environment", () => {
    expect(configOf(minimal).config.sockets).toEqual([expect.objectContaining({ service: "w" })]);
    const { worker, config } = configOf(`${minimal}[assets]\ndirectory = "public"\n[env.production]\n`, new Map(), "production");
    expect(worker.assets).toEqual({ directory: "public", htmlHandling: undefined, workerFirst: [] });
    expect(config.sockets).toEqual([expect.objectContaining({ service: ASSETS_ROUTER_SERVICE })]);
  });

  it.each([
    ["a binding that is no name", `binding = "ASSETS-1"`, /\[assets\] binding = "ASSETS-1"/],
    ["a path of the Worker's with a placeholder", `run_worker_first = ["/api/:id"]`, /run_worker_first/],
    ["a path of the Worker's that is no path", `run_worker_first = ["api/*"]`, /run_worker_first/],
    ["a page for paths that name no asset", `not_found_handling = "single-page-application"`, /not_found_handling/],
    ["no directory", `html_handling = "none"`, /\[assets\] needs a directory/],
  ])("refuse %s, by name", (_, extra, error) => {
    const assets = extra.startsWith("html") ? extra : `directory = "public"\n${extra}`;
    expect(() => configOf(`${minimal}[assets]\n${assets}\n`)).toThrow(error);
  });

  it("accept what asks for Cloudflare's defaults", () => {
    const toml = `${minimal}[assets]\ndirectory = "public"\nhtml_handling = "none"\nnot_found_handling = "none"\nrun_worker_first = false\n`;
    expect(configOf(toml).worker.assets).toEqual({ directory: "public", htmlHandling: "none", workerFirst: [] });
  });

  it("run the Worker first on every path, or on those run_worker_first names", () => {
    const assets = (first: string) => configOf(`${minimal}[assets]\ndirectory = "public"\nrun_worker_first = ${first}\n`).worker.assets;
    expect(assets("true")?.workerFirst).toEqual(["/*"]);
    expect(assets(`["/api/*", "!/api/docs/*"]`)?.workerFirst).toEqual(["/api/*", "!/api/docs/*"]);
  });
});

describe("settings", () => {
  const toml = `${minimal}[vars]\nCALLTOUCH_BASE_URL = "https://api.calltouch.ru"\nCALLTOUCH_RPS = "5"\nLIMITS = { a = 1 }\n[secrets]\nrequired = ["CALLTOUCH_TOKEN"]\n`;
  const path = join(root, "test/e2e/selfhost/wrangler.toml");

  it("come from the env file and the process environment, which wins, but only for names the project declares", () => {
    const worker = readWranglerConfig(toml);
    const settings = workerSettings(worker, path, "CALLTOUCH_TOKEN=from-file\nCALLTOUCH_TOKEN_67890=other-site\n", {
      CALLTOUCH_TOKEN: "from-environment",
      CALLTOUCH_RPS: "3",
      HOME: "/root",
    });

    expect(Object.fromEntries(settings)).toEqual({
      CALLTOUCH_TOKEN: { value: "from-environment", from: "environment" },
      CALLTOUCH_TOKEN_67890: { value: "other-site", from: "env file" },
      CALLTOUCH_RPS: { value: "3", from: "environment" },
    });
  });

  it("reach workerd by name only: no value of the environment is written into the configuration", () => {
    const settings = new Map<string, Setting>([
      ["CALLTOUCH_TOKEN", { value: "secret-token-value", from: "env file" }],
      ["CALLTOUCH_RPS", { value: "3", from: "environment" }],
    ]);
    const { config, bindings } = configOf(toml, settings);

    expect(bindings).toEqual([
      { name: "CALLTOUCH_BASE_URL", text: "https://api.calltouch.ru" },
      { name: "CALLTOUCH_RPS", fromEnvironment: "CALLTOUCH_RPS" },
      { name: "LIMITS", json: '{"a":1}' },
      { name: "CALLTOUCH_TOKEN", fromEnvironment: "CALLTOUCH_TOKEN" },
      expect.objectContaining({ name: SELF_HOSTED_BINDING }),
    ]);
    expect(capnpConfig(config)).not.toContain("secret-token-value");
  });

  it("refuse a setting named like a binding of wrangler.toml", () => {
    const toml = `${minimal}[[ratelimits]]\nname = "KEY_RATE_LIMITER"\nnamespace_id = "1"\nsimple = { limit = 5, period = 60 }\n`;
    const settings = new Map<string, Setting>([["KEY_RATE_LIMITER", { value: "x", from: "env file" }]]);

    expect(() => configOf(toml, settings)).toThrow(/KEY_RATE_LIMITER is bound twice/);
  });

  it.each([
    ["https://api.calltouch.ru", ["public"]],
    ["http://localhost:8788", ["public", "127.0.0.1/32", "::1/128"]],
    ["http://10.0.0.5:8080/calltouch", ["public", "10.0.0.5/32"]],
    ["http://[fd00::5]:8080", ["public", "fd00::5/128"]],
  ])("let the Worker reach public addresses, and a URL setting's own local address (%s)", (url, allow) => {
    const settings = new Map<string, Setting>([["CALLTOUCH_BASE_URL", { value: url, from: "env file" }]]);

    expect(configOf(toml, settings).allow).toEqual(allow);
  });
});
