// The settings and secrets a self-hosted Worker gets, under the names it has on Cloudflare and in
// .dev.vars. They come from an env file (the format of .dev.vars) and from the process environment, which
// wins; what neither sets keeps its default (the gateway's settings schema, or wrangler.toml's [vars]). The process environment is a shell's or systemd's, full of
// names that are not the Worker's (PATH, HOME, …), so only the names the project declares are taken from it:
// wrangler.toml's [vars] and `secrets.required`, and the names of .dev.vars.example beside wrangler.toml
// (which `wrangler types` reads for the Env type). Any other setting, such as another site's
// CALLTOUCH_TOKEN_<site>, goes in the env file.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseEnv } from "node:util";

/**
 * @typedef {import("./workerd-config.mjs").Setting} Setting
 * @typedef {import("./wrangler-config.mjs").WorkerConfig} WorkerConfig
 */

/**
 * The Worker's settings from the environment, by name, each with where it came from.
 *
 * @example
 * const settings = workerSettings(worker, "wrangler.toml", readFileSync(".env", "utf8"), process.env);
 * settings.get("CALLTOUCH_TOKEN"); // { value: "…", from: "env file" }
 *
 * @param {WorkerConfig} worker
 * @param {string} wranglerToml the configuration's path, to find .dev.vars.example beside it
 * @param {string | undefined} envFileText
 * @param {Record<string, string | undefined>} processEnv
 * @returns {Map<string, Setting>}
 */
export function workerSettings(worker, wranglerToml, envFileText, processEnv) {
  /** @type {Map<string, Setting>} */
  const settings = new Map();
  for (const [name, value] of Object.entries(envFileText === undefined ? {} : parseEnv(envFileText))) {
    settings.set(name, { value: String(value), from: "env file" });
  }
  const declared = new Set([...Object.keys(worker.vars), ...worker.secrets, ...exampleNames(wranglerToml), ...settings.keys()]);
  for (const name of declared) {
    const value = processEnv[name];
    if (value !== undefined) settings.set(name, { value, from: "environment" });
  }
  return settings;
}

/** The names of the committed example vars file beside the configuration; never its values. */
function exampleNames(/** @type {string} */ wranglerToml) {
  const example = join(dirname(wranglerToml), ".dev.vars.example");
  return existsSync(example) ? Object.keys(parseEnv(readFileSync(example, "utf8"))) : [];
}
