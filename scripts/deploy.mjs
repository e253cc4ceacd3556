// Deploys the gateway to Cloudflare with wrangler and the project's Node (`scripts/run deploy …`), one
// environment of wrangler.toml at a time, guided:
//
//   scripts/run deploy --env staging|production [--keys] [--secrets]
//   scripts/run deploy --env production --dry-run [--outdir dir]
//
// The first deploy of an environment asks for the Calltouch site id and API token, makes the first admin
// key when api-keys.json has none, makes a random CONSOLE_SESSION_KEY (the console's cookie signing key, which
// nobody needs to know), and uploads them as secrets together with the code (wrangler deploy --secrets-file),
// so the Worker never runs a moment without them. Later deploys upload the code alone:
//   --keys      uploads api-keys.json again (after `scripts/run keys create` or `revoke`)
//   --secrets   asks for the site id and token again (a new token, another site)
// CALLTOUCH_SITE_ID and CALLTOUCH_TOKEN in the environment answer those questions, for a deploy from CI.
// --dry-run builds and checks everything wrangler checks without an account, and uploads nothing.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { experimental_readRawConfig } from "wrangler";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wranglerBin = join(root, "node_modules/wrangler/bin/wrangler.js");
const keysFile = join(root, "api-keys.json");

// No usage data to Cloudflare from this script's wrangler runs, and no update check: the version is pinned.
const wranglerEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true" };

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`\ndeploy: ${message}`);
  process.exit(1);
}

/**
 * Runs wrangler with this Node, its output passed through as it comes; answers the exit code and stdout.
 *
 * @param {string[]} args
 * @param {{ quiet?: boolean }} [options] quiet: keep the output to the caller
 * @returns {Promise<{ code: number; stdout: string }>}
 */
function wrangler(args, { quiet = false } = {}) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [wranglerBin, ...args], { cwd: root, env: wranglerEnv, stdio: ["inherit", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (!quiet) process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk) => !quiet && process.stderr.write(chunk));
    child.on("close", (code) => done({ code: code ?? 1, stdout }));
  });
}

/**
 * Asks a question on the terminal; a `secret` answer is not echoed.
 *
 * @param {string} question
 * @param {{ secret?: boolean }} [options]
 */
async function ask(question, { secret = false } = {}) {
  if (!process.stdin.isTTY) return undefined;
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, next) {
      if (!muted) process.stdout.write(chunk);
      next();
    },
  });
  const terminal = createInterface({ input: process.stdin, output, terminal: true });
  const answer = terminal.question(question);
  muted = secret;
  const text = await answer;
  terminal.close();
  if (secret) process.stdout.write("\n");
  return text.trim();
}

/**
 * A value from the environment or, on a terminal, from the person deploying; refused when it does not match.
 *
 * @param {string} name the setting, e.g. CALLTOUCH_TOKEN
 * @param {string} question
 * @param {RegExp} shape
 * @param {boolean} [secret]
 */
async function answerFor(name, question, shape, secret = false) {
  const value = process.env[name] ?? (await ask(question, { secret }));
  if (value === undefined) fail(`${name} is needed: run this on a terminal, or set ${name} in the environment`);
  if (!shape.test(value)) fail(`${name} does not look right (expected ${shape})`);
  return value;
}

/** The names of the secrets the environment's Worker already has; none when it was never deployed. */
async function secretsOf(/** @type {string} */ env) {
  const { code, stdout } = await wrangler(["secret", "list", "--env", env, "--format", "json"], { quiet: true });
  if (code !== 0) return [];
  try {
    return /** @type {{ name: string }[]} */ (JSON.parse(stdout)).map((secret) => secret.name);
  } catch {
    return [];
  }
}

/** Makes api-keys.json with one admin key for `site`, whose key `scripts/keys.mjs` prints once. */
async function firstAdminKey(/** @type {string} */ site) {
  console.log(`\nNo ${keysFile} yet: making the first key, an admin key for site ${site}. Keep it: it is shown once.`);
  const child = spawn(
    process.execPath,
    ["scripts/keys.mjs", "create", "--id", "admin", "--site", site, "--scopes", "admin", "--name", "operator"],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
  const code = await new Promise((done) => child.on("close", done));
  if (code !== 0) fail("scripts/keys.mjs could not make the first key");
}

const { values } = parseArgs({
  options: {
    env: { type: "string" },
    "dry-run": { type: "boolean", default: false },
    outdir: { type: "string" },
    keys: { type: "boolean", default: false },
    secrets: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(
    readFileSync(fileURLToPath(import.meta.url), "utf8")
      .split("\nimport ")[0]
      ?.replace(/^\/\/ ?/gm, ""),
  );
  process.exit(0);
}

const { rawConfig } = experimental_readRawConfig({ config: join(root, "wrangler.toml") });
const environments = Object.keys(rawConfig.env ?? {});
const env = values.env ?? (await ask(`Environment (${environments.join(" or ")}): `));
if (!env || !environments.includes(env)) fail(`--env is one of ${environments.join(", ")} (wrangler.toml's [env.*])`);

if (values["dry-run"]) {
  const outdir = resolve(values.outdir ?? mkdtempSync(join(tmpdir(), "calltouch-gateway-deploy-")));
  console.log(`Dry run of ${env}: the bundle goes to ${outdir}, nothing is uploaded.`);
  const { code } = await wrangler(["deploy", "--env", env, "--dry-run", "--outdir", outdir]);
  process.exit(code);
}

const whoami = await wrangler(["whoami", "--json"], { quiet: true });
if (whoami.code !== 0)
  fail("wrangler is not logged in to Cloudflare: run `scripts/run wrangler login` (or set CLOUDFLARE_API_TOKEN), then this again");

const present = await secretsOf(env);
/** @type {Record<string, string>} */
const secrets = {};
if (values.secrets || !present.includes("CALLTOUCH_SITE_ID") || !present.includes("CALLTOUCH_TOKEN")) {
  console.log(`\n${env}: the Calltouch site and its API token (Calltouch: Integrations → API; the token is not echoed).`);
  secrets.CALLTOUCH_SITE_ID = await answerFor("CALLTOUCH_SITE_ID", "Calltouch site id: ", /^\d+$/);
  secrets.CALLTOUCH_TOKEN = await answerFor("CALLTOUCH_TOKEN", "Calltouch API token: ", /^\S{8,}$/, true);
}
if (values.keys || !present.includes("API_KEYS")) {
  if (!existsSync(keysFile)) {
    if (values.keys || !secrets.CALLTOUCH_SITE_ID) fail(`no ${keysFile}: make keys with \`scripts/run keys create …\` first`);
    await firstAdminKey(secrets.CALLTOUCH_SITE_ID);
  }
  secrets.API_KEYS = JSON.stringify(JSON.parse(readFileSync(keysFile, "utf8")));
}
// Made only when absent: a new one would sign every operator out of the console.
if (!present.includes("CONSOLE_SESSION_KEY")) secrets.CONSOLE_SESSION_KEY = randomBytes(32).toString("base64url");

// The secrets go up with the code in one version: a file only this user can read, removed at once.
const folder = mkdtempSync(join(tmpdir(), "calltouch-gateway-secrets-"));
const secretsFile = join(folder, "secrets.json");
const names = Object.keys(secrets);
try {
  writeFileSync(secretsFile, JSON.stringify(secrets), { mode: 0o600 });
  chmodSync(secretsFile, 0o600);
  console.log(`\nDeploying ${env}${names.length > 0 ? ` with the secrets ${names.join(", ")}` : " (code only; secrets as they are)"}…`);
  const { code, stdout } = await wrangler(["deploy", "--env", env, ...(names.length > 0 ? ["--secrets-file", secretsFile] : [])]);
  if (code !== 0) fail("wrangler deploy failed (above); nothing changed if it failed before the upload");
  const url = /https:\/\/\S+\.workers\.dev/.exec(stdout)?.[0];
  if (url) {
    const health = await fetch(`${url}/health`).then(
      async (response) => `${response.status} ${await response.text()}`,
      (error) => `no answer yet (${error.message})`,
    );
    console.log(`\n${url}/health: ${health}`);
  }
  console.log(`\nNext: a custom domain and a rollback are in README "Deploy". Logs: scripts/run wrangler tail --env ${env}`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
