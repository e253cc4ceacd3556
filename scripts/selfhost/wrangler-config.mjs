// Reads a wrangler.toml into what a self-hosted workerd needs of it: the Worker's name and compatibility,
// its vars, Durable Object bindings and classes, rate limits, static assets, the secret names it
// declares, and the settings that only Cloudflare can honour. Every key of the file is either used here,
// known to matter only to `wrangler deploy`, or refused by name: a binding added to wrangler.toml that
// self-hosting cannot provide stops the start instead of leaving the Worker without it.
import { parse } from "smol-toml";

/**
 * A wrangler.toml as self-hosting reads it.
 * @typedef {{
 *   name: string;
 *   main: string;
 *   compatibilityDate: string;
 *   compatibilityFlags: string[];
 *   vars: Record<string, unknown>;
 *   secrets: string[];
 *   durableObjects: { name: string; className: string }[];
 *   classes: { className: string; uniqueKey: string; sql: boolean }[];
 *   rateLimits: { name: string; limit: number; period: number }[];
 *   assets: StaticAssets | undefined;
 *   unavailable: string[];
 * }} WorkerConfig
 *
 * `[assets]`: `directory` as wrangler.toml writes it (relative to the file), `htmlHandling` if set, the
 * name of the Worker's binding that reads them (`binding`), if any, and the paths on which the Worker runs
 * before any asset is looked for (`workerFirst`: `run_worker_first`'s patterns, `["/*"]` for `true`).
 * @typedef {{ directory: string; htmlHandling: string | undefined; binding?: string | undefined; workerFirst: string[] }} StaticAssets
 */

/** Keys that `wrangler deploy` reads and the running Worker never sees (routes, bundling, account). */
const DEPLOY_ONLY = new Set([
  "$schema",
  "account_id",
  "alias",
  "base_dir",
  "build",
  "define",
  "dev",
  "find_additional_modules",
  "jsx_factory",
  "jsx_fragment",
  "keep_names",
  "keep_vars",
  "minify",
  "no_bundle",
  "preserve_file_names",
  "preview_urls",
  "route",
  "routes",
  "rules",
  "send_metrics",
  "tsconfig",
  "upload_source_maps",
  "workers_dev",
]);

/**
 * Settings that only Cloudflare's network can honour. Self-hosting starts without them, and the gateway
 * names them at start-up and in `/health`.
 */
const CLOUDFLARE_ONLY = {
  observability: "Workers Logs (observability): logs are workerd's standard output, e.g. the systemd journal",
  logpush: "Logpush: logs are workerd's standard output, e.g. the systemd journal",
  tail_consumers: "Tail Workers: logs are workerd's standard output",
  placement: "placement (Smart Placement or a location hint): the Worker runs where the server is",
  limits: "CPU limits: workerd enforces none",
};

/** Keys of wrangler.toml that self-hosting turns into workerd configuration. */
const USED = new Set([
  "name",
  "main",
  "compatibility_date",
  "compatibility_flags",
  "vars",
  "secrets",
  "durable_objects",
  "migrations",
  "ratelimits",
  "assets",
  "env",
]);

/** Cloudflare's Rate Limiting binding counts over 10 or 60 seconds only. */
const RATE_LIMIT_PERIODS = [10, 60];

/**
 * Reads wrangler.toml text, for its top level or one of its `[env.<name>]` environments with wrangler's
 * rules (`name` gains `-<env>`; vars, bindings and rate limits are not inherited from the top level).
 * Throws an Error naming the key for anything self-hosting cannot provide.
 *
 * @example
 * const worker = readWranglerConfig(readFileSync("wrangler.toml", "utf8"));
 * worker.durableObjects; // [{ name: "OUTBOX", className: "Outbox" }]
 *
 * @param {string} text
 * @param {string} [environment]
 * @returns {WorkerConfig}
 */
export function readWranglerConfig(text, environment) {
  const raw = /** @type {Record<string, any>} */ (parse(text));
  const config = environment === undefined ? raw : inEnvironment(raw, environment);

  const unavailable = [];
  for (const [key, value] of Object.entries(config)) {
    if (USED.has(key) || DEPLOY_ONLY.has(key)) continue;
    if (key in CLOUDFLARE_ONLY) {
      if (!isDisabled(value)) unavailable.push(CLOUDFLARE_ONLY[/** @type {keyof typeof CLOUDFLARE_ONLY} */ (key)]);
      continue;
    }
    throw new Error(
      `wrangler.toml: "${key}" has no self-hosted counterpart; teach scripts/selfhost/wrangler-config.mjs and workerd-config.mjs to provide it`,
    );
  }

  const name = requiredString(config, "name");
  const classes = classesOfMigrations(config.migrations ?? []);
  const durableObjects = (config.durable_objects?.bindings ?? []).map(durableObjectBinding(classes));
  return {
    name,
    main: requiredString(config, "main"),
    compatibilityDate: requiredString(config, "compatibility_date"),
    compatibilityFlags: config.compatibility_flags ?? [],
    vars: config.vars ?? {},
    secrets: config.secrets?.required ?? [],
    durableObjects,
    classes: [...classes.values()].map(({ className, createdAs, sql }) => ({ className, uniqueKey: `${name}-${createdAs}`, sql })),
    rateLimits: (config.ratelimits ?? []).map(rateLimit),
    assets: config.assets === undefined ? undefined : staticAssets(config.assets),
    unavailable,
  };
}

/**
 * One environment of the file as wrangler resolves it: the environment's own keys, the top level's for
 * what environments inherit, and nothing of the top level's vars and bindings.
 *
 * @param {Record<string, any>} raw
 * @param {string} environment
 */
function inEnvironment(raw, environment) {
  const own = raw.env?.[environment];
  if (own === undefined) throw new Error(`wrangler.toml has no [env.${environment}]`);
  const notInherited = new Set(["vars", "secrets", "durable_objects", "ratelimits", "tail_consumers", "define"]);
  const inherited = Object.fromEntries(Object.entries(raw).filter(([key]) => key !== "env" && !notInherited.has(key)));
  return { ...inherited, ...own, name: own.name ?? `${raw.name}-${environment}` };
}

/**
 * The Durable Object classes alive after every migration, each with the name it was created under: its
 * storage keeps that name through renames, as the objects keep their data on Cloudflare.
 *
 * @param {Record<string, any>[]} migrations
 * @returns {Map<string, { className: string; createdAs: string; sql: boolean }>}
 */
function classesOfMigrations(migrations) {
  const known = new Set(["tag", "new_classes", "new_sqlite_classes", "renamed_classes", "deleted_classes"]);
  /** @type {Map<string, { className: string; createdAs: string; sql: boolean }>} */
  const classes = new Map();
  for (const migration of migrations) {
    for (const key of Object.keys(migration)) {
      if (!known.has(key)) throw new Error(`wrangler.toml: migration "${migration.tag}" uses "${key}", which self-hosting cannot apply`);
    }
    for (const className of migration.new_classes ?? []) classes.set(className, { className, createdAs: className, sql: false });
    for (const className of migration.new_sqlite_classes ?? []) classes.set(className, { className, createdAs: className, sql: true });
    for (const { from, to } of migration.renamed_classes ?? []) {
      const renamed = classes.get(from);
      if (!renamed) throw new Error(`wrangler.toml: migration "${migration.tag}" renames "${from}", which no earlier migration created`);
      classes.delete(from);
      classes.set(to, { ...renamed, className: to });
    }
    for (const className of migration.deleted_classes ?? []) classes.delete(className);
  }
  return classes;
}

/** @param {Map<string, unknown>} classes */
function durableObjectBinding(classes) {
  return (/** @type {Record<string, any>} */ binding) => {
    if (binding.script_name !== undefined) {
      throw new Error(
        `wrangler.toml: Durable Object binding "${binding.name}" lives in another Worker (script_name), which self-hosting does not run`,
      );
    }
    if (!classes.has(binding.class_name)) {
      throw new Error(
        `wrangler.toml: Durable Object binding "${binding.name}" names class "${binding.class_name}", which no migration creates`,
      );
    }
    return { name: String(binding.name), className: String(binding.class_name) };
  };
}

/** @param {Record<string, any>} binding */
function rateLimit(binding) {
  const { limit, period } = binding.simple ?? {};
  if (!Number.isInteger(limit) || limit < 1 || !RATE_LIMIT_PERIODS.includes(period)) {
    throw new Error(`wrangler.toml: rate limit "${binding.name}" needs simple = { limit = <whole number>, period = 10 or 60 }`);
  }
  return { name: String(binding.name), limit, period };
}

/**
 * `[assets]` as self-hosting serves it (assets-router.mjs): before the Worker (but on the paths of
 * `run_worker_first`), each at its own path, and to the Worker through its binding, if it has one. What the
 * router cannot provide is refused by name.
 *
 * @param {Record<string, any>} assets
 * @returns {StaticAssets}
 */
function staticAssets(assets) {
  /** @type {Record<string, (value: unknown) => boolean>} */
  const served = {
    directory: (value) => typeof value === "string" && value !== "",
    binding: (value) => typeof value === "string" && /^[A-Za-z_]\w*$/.test(value),
    html_handling: (value) => typeof value === "string",
    not_found_handling: (value) => value === "none",
    // Cloudflare's patterns: `*` for anything, `!` to exclude. A `:` would be a placeholder to the router's matcher.
    run_worker_first: (value) =>
      typeof value === "boolean" ||
      (Array.isArray(value) && value.every((pattern) => typeof pattern === "string" && /^!?\/[^:]*$/.test(pattern))),
  };
  for (const [key, value] of Object.entries(assets)) {
    if (!Object.hasOwn(served, key) || !served[key]?.(value)) {
      throw new Error(
        `wrangler.toml: [assets] ${key} = ${JSON.stringify(value)} is not served self-hosted; teach scripts/selfhost/assets-router.mjs to provide it`,
      );
    }
  }
  if (assets.directory === undefined) throw new Error(`wrangler.toml: [assets] needs a directory`);
  const first = assets.run_worker_first;
  const workerFirst = first === true ? ["/*"] : Array.isArray(first) ? first : [];
  return { directory: assets.directory, htmlHandling: assets.html_handling, binding: assets.binding, workerFirst };
}

/** `observability = { enabled = false }`, `placement = { mode = "off" }` and the like ask for nothing. */
function isDisabled(/** @type {unknown} */ value) {
  if (value === false) return true;
  if (typeof value !== "object" || value === null) return false;
  return ("enabled" in value && value.enabled === false) || ("mode" in value && value.mode === "off");
}

/** @param {Record<string, any>} config @param {string} key */
function requiredString(config, key) {
  const value = config[key];
  if (typeof value !== "string" || value === "") throw new Error(`wrangler.toml: "${key}" must be set`);
  return value;
}
