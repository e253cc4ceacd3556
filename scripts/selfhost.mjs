// Runs the gateway on one server of your own with workerd, Cloudflare's open-source runtime, so that the
// deals' personal data stays on that server: the bundle and the static assets `wrangler deploy` ships, a
// workerd configuration made from wrangler.toml at each start, the Durable Objects' SQLite files in the
// data directory.
//
//   scripts/run selfhost --port 8790 --data /var/lib/calltouch-gateway [--env-file /etc/calltouch-gateway/env]
//                        [--host 127.0.0.1] [--config wrangler.toml] [--env <wrangler environment>]
//
// Settings and secrets have the names of .dev.vars: from --env-file and the process environment (see
// selfhost/environment.mjs); what neither sets keeps its default (the Worker's own settings schema). One process per data directory: a
// second one on the same directory is refused (selfhost/lock.mjs). It listens on 127.0.0.1 unless --host
// says otherwise: put a TLS proxy in front (README, "Self-hosting"). `<data>/build/` holds what workerd
// runs, rewritten at each start.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, relative, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { capnpConfig } from "./selfhost/capnp-text.mjs";
import { workerSettings } from "./selfhost/environment.mjs";
import { lockDataDirectory } from "./selfhost/lock.mjs";
import { snapshotAssets } from "./selfhost/static-assets.mjs";
import { localUpstreams, workerdConfig } from "./selfhost/workerd-config.mjs";
import { readWranglerConfig } from "./selfhost/wrangler-config.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
/** The pinned workerd package (package.json): its binary, and its version for the logs. */
const workerd = /** @type {{ default: string; version: string }} */ (require("workerd"));
/** How often a step that takes a while says it is still at it. */
const PROGRESS_EVERY_MS = 2000;

const { values: options } = parseArgs({
  options: {
    port: { type: "string" },
    data: { type: "string" },
    "env-file": { type: "string" },
    host: { type: "string", default: "127.0.0.1" },
    config: { type: "string", default: "wrangler.toml" },
    env: { type: "string" },
  },
});

const port = Number(options.port);
if (!Number.isInteger(port) || port < 1 || port > 65_535) usage("--port must be a port number (1–65535)");
if (!options.data) usage("--data must name the data directory (it is created if missing)");
const data = resolve(options.data);
const listen = options.host.includes(":") ? `[${options.host}]:${port}` : `${options.host}:${port}`;
const configPath = resolve(root, options.config);
const envFile = options["env-file"] && resolve(options["env-file"]);
if (envFile && !existsSync(envFile)) usage(`--env-file ${envFile} does not exist`);

try {
  await main();
} catch (error) {
  fail(/** @type {Error} */ (error).message);
}

async function main() {
  mkdirSync(data, { recursive: true, mode: 0o700 });
  const holder = { launcher: process.pid, listen, since: new Date().toISOString() };
  const lock = lockDataDirectory(data, holder);
  say(`data directory ${data} (locked: one process per data directory)`);

  const worker = readWranglerConfig(readFileSync(configPath, "utf8"), options.env);
  const settings = workerSettings(worker, configPath, envFile && readFileSync(envFile, "utf8"), process.env);
  describeSettings(worker, settings);

  const build = join(data, "build");
  rmSync(build, { recursive: true, force: true });
  mkdirSync(build, { recursive: true });
  // wrangler runs wrangler.toml's [build] command first, which writes the static assets.
  await withProgress("building the Worker bundle (wrangler deploy --dry-run)", buildBundle(join(build, "bundle")));
  const modules = bundleModules(join(build, "bundle"), worker.main);
  say(`bundle: ${modules.map(({ name, path }) => `${name} (${kib(statSync(join(build, path)).size)})`).join(", ")}`);
  const assets = worker.assets && prepareAssets(worker.assets, build);

  const storage = join(data, "durable-objects");
  mkdirSync(storage, { recursive: true });
  describeStorage(storage, worker);
  copyFileSync(join(root, "scripts/selfhost/rate-limit.mjs"), join(build, "rate-limit.mjs"));
  const configFile = join(build, "workerd.capnp");
  const config = workerdConfig({
    worker,
    modules,
    settings,
    listen,
    storage,
    rateLimitModule: "rate-limit.mjs",
    workerdVersion: workerd.version,
    assets,
  });
  writeFileSync(configFile, capnpConfig(config));
  say(`workerd configuration: ${configFile}`);

  const child = spawn(workerd.default, ["serve", "--control-fd", "4", configFile, "config"], {
    cwd: build,
    // Only the Worker's settings: workerd's `fromEnvironment` bindings read them, and nothing else of
    // this process's environment reaches the Worker.
    env: Object.fromEntries([...settings].map(([name, { value }]) => [name, value])),
    // fd 3 is the data directory's lock: workerd holds it for as long as it runs.
    stdio: ["ignore", "inherit", "inherit", lock.fd, "pipe"],
  });
  lock.record({ ...holder, workerd: /** @type {number} */ (child.pid) });
  for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"])) process.on(signal, () => child.kill(signal));
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));

  const started = await withProgress(
    `starting workerd ${workerd.version} (pid ${child.pid})`,
    Promise.race([listening(/** @type {import("node:stream").Readable} */ (child.stdio[4])), exited]),
  );
  if (started !== "listening") fail(`workerd stopped before it listened on ${listen} (${JSON.stringify(started)}); its output is above`);
  say(`serving http://${listen}  (workerd pid ${child.pid}; data ${data})`);

  const { code, signal } = /** @type {{ code: number | null; signal: string | null }} */ (await exited);
  say(`workerd stopped (${signal ?? `exit code ${code}`})`);
  process.exit(code ?? 1);
}

/**
 * Builds the Worker exactly as `wrangler deploy` would ship it, without uploading anything.
 * @param {string} outdir
 */
async function buildBundle(outdir) {
  const wrangler = join(dirname(require.resolve("wrangler/package.json")), "bin/wrangler.js");
  const args = [
    wrangler,
    "deploy",
    "--dry-run",
    "--outdir",
    outdir,
    "--config",
    configPath,
    ...(options.env ? ["--env", options.env] : []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_SEND_ERROR_REPORTS: "false", WRANGLER_HIDE_BANNER: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const code = await new Promise((resolve, reject) => child.once("error", reject).once("exit", resolve));
  if (code !== 0) throw new Error(`wrangler deploy --dry-run failed (exit code ${code}):\n${output}`);
}

/**
 * The bundle's modules for workerd, the main one first: every file wrangler wrote but its README and
 * source maps, named by their path in the bundle.
 *
 * @param {string} bundle
 * @param {string} main wrangler.toml's `main`, whose bundle is `<its name>.js`
 */
function bundleModules(bundle, main) {
  const mainName = `${basename(main).replace(/\.[cm]?[jt]sx?$/, "")}.js`;
  const files = /** @type {string[]} */ (readdirSync(bundle, { recursive: true }))
    .filter((file) => statSync(join(bundle, file)).isFile() && file !== "README.md" && !file.endsWith(".map"))
    .map((file) => file.split("\\").join("/"))
    .sort((a, b) => Number(b === mainName) - Number(a === mainName) || a.localeCompare(b));
  if (files[0] !== mainName) throw new Error(`wrangler wrote no ${mainName} for main = "${main}" (it wrote ${files.join(", ")})`);
  return files.map((name) => ({ name, path: `bundle/${name}` }));
}

/**
 * Resolves once workerd says on its control descriptor that the socket listens.
 * @param {import("node:stream").Readable} control
 */
function listening(control) {
  return new Promise((resolve) => {
    createInterface({ input: control }).on("line", (line) => {
      let message;
      try {
        message = JSON.parse(line);
      } catch {
        return; // not a message this launcher knows
      }
      if (message.event === "listen" && message.socket === "http") resolve("listening");
    });
  });
}

/**
 * Snapshots the static assets into `<build>/assets` and puts the router beside the configuration.
 * @param {import("./selfhost/wrangler-config.mjs").StaticAssets} assets
 * @param {string} build
 * @returns {import("./selfhost/workerd-config.mjs").Assets}
 */
function prepareAssets({ directory, htmlHandling }, build) {
  const from = resolve(dirname(configPath), directory);
  const snapshot = snapshotAssets({ from, to: join(build, "assets"), htmlHandling });
  copyFileSync(join(root, "scripts/selfhost/assets-router.mjs"), join(build, "assets-router.mjs"));
  const [files, rules] = [Object.keys(snapshot.manifest).length, snapshot.headers.length];
  say(
    `static assets: ${files} file${files === 1 ? "" : "s"} (${kib(snapshot.bytes)}) from ${from}, served before the Worker, with ${rules} rule${rules === 1 ? "" : "s"} of _headers`,
  );
  for (const { line, message } of snapshot.problems) say(`${join(from, "_headers")}:${line}: ${message}; skipped, as Cloudflare skips it`);
  return { directory: join(build, "assets"), manifest: snapshot.manifest, headers: snapshot.headers, routerModule: "assets-router.mjs" };
}

/** Says where each setting comes from, by name only: values may be secrets. */
function describeSettings(
  /** @type {import("./selfhost/wrangler-config.mjs").WorkerConfig} */ worker,
  /** @type {Map<string, import("./selfhost/workerd-config.mjs").Setting>} */ settings,
) {
  for (const from of /** @type {const} */ (["env file", "environment"])) {
    const names = [...settings].filter(([, setting]) => setting.from === from).map(([name]) => name);
    if (names.length > 0) say(`settings from the ${from}: ${names.join(", ")}`);
  }
  const defaults = Object.keys(worker.vars).filter((name) => !settings.has(name));
  if (defaults.length > 0) say(`wrangler.toml's defaults for the ${defaults.length} other vars`);
  for (const { name, limit, period } of worker.rateLimits) say(`${name}: ${limit} per ${period} s, counted in memory`);
  for (const { name, addresses } of localUpstreams(worker, settings))
    say(`outbound network: public addresses, and ${addresses.join(", ")} for ${name}`);
  for (const feature of worker.unavailable) say(`not available self-hosted: ${feature}`);
}

/** Names each class's storage, and any storage of the directory that no class of wrangler.toml owns. */
function describeStorage(/** @type {string} */ storage, /** @type {import("./selfhost/wrangler-config.mjs").WorkerConfig} */ worker) {
  for (const { className, uniqueKey } of worker.classes) say(`Durable Object ${className}: ${join(storage, uniqueKey)}/*.sqlite`);
  const owned = new Set(worker.classes.map(({ uniqueKey }) => uniqueKey));
  for (const entry of readdirSync(storage)) {
    if (!owned.has(entry)) {
      say(
        `${relative(data, join(storage, entry))} belongs to no Durable Object class of wrangler.toml (a renamed Worker or a deleted class?): kept, not served`,
      );
    }
  }
}

/**
 * Awaits `work`, saying what it is at once and again every PROGRESS_EVERY_MS, with the time spent.
 * @template T
 * @param {string} label
 * @param {Promise<T>} work
 * @returns {Promise<T>}
 */
async function withProgress(label, work) {
  const start = Date.now();
  say(`${label}…`);
  const timer = setInterval(() => say(`${label}… ${Math.round((Date.now() - start) / 1000)} s`), PROGRESS_EVERY_MS);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

function kib(/** @type {number} */ bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function say(/** @type {string} */ message) {
  console.log(`[selfhost] ${message}`);
}

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`[selfhost] ${message}`);
  process.exit(1);
}

/** @param {string} message @returns {never} */
function usage(message) {
  console.error(`[selfhost] ${message}
usage: scripts/run selfhost --port <port> --data <dir> [--env-file <file>] [--host 127.0.0.1] [--config wrangler.toml] [--env <name>]`);
  process.exit(2);
}
