// The workerd configuration of a self-hosted Worker, made from what wrangler.toml says (read by
// wrangler-config.mjs), the bundle `wrangler deploy --dry-run` wrote, and the settings of the environment.
// It mirrors what Cloudflare gives the Worker: the same modules, vars and secrets under the same names,
// each Durable Object class with SQLite storage on local disk, each Rate Limiting binding as a
// `wrapped` binding over rate-limit.mjs with the same `limit({ key })`, and static assets served before
// the Worker by assets-router.mjs, from a disk service over their snapshot (static-assets.mjs).
import { isIP } from "node:net";
import { extname } from "node:path";
import { embed } from "./capnp-text.mjs";

/** The binding that tells the gateway it runs self-hosted, and what of wrangler.toml it runs without. */
export const SELF_HOSTED_BINDING = "SELF_HOSTED";

/** The extension module that plays Cloudflare's Rate Limiting binding; internal, so Worker code cannot import it. */
export const RATE_LIMIT_MODULE = "calltouch-gateway-selfhost:rate-limit";

/** The services in front of a Worker with static assets: the router that the socket serves, and the files. */
export const ASSETS_ROUTER_SERVICE = "assets:router";
export const ASSETS_FILES_SERVICE = "assets:files";

/** Module types of workerd by the extensions wrangler gives a bundle's files. */
const MODULE_TYPES = {
  ".js": "esModule",
  ".mjs": "esModule",
  ".cjs": "commonJsModule",
  ".wasm": "wasm",
  ".txt": "text",
  ".html": "text",
  ".sql": "text",
  ".bin": "data",
};

/**
 * @typedef {import("./wrangler-config.mjs").WorkerConfig} WorkerConfig
 * @typedef {{ value: string; from: "env file" | "environment" }} Setting
 * @typedef {{
 *   worker: WorkerConfig;
 *   modules: { name: string; path: string }[];
 *   settings: ReadonlyMap<string, Setting>;
 *   listen: string;
 *   storage: string;
 *   rateLimitModule: string;
 *   workerdVersion: string;
 *   assets?: Assets;
 * }} Options
 *
 * The static assets, when wrangler.toml has [assets]: their snapshot's directory (absolute), what
 * snapshotAssets() made of it, and the router's module file, relative to the configuration file.
 * @typedef {Pick<import("./static-assets.mjs").AssetsSnapshot, "manifest" | "headers"> & { directory: string; routerModule: string }} Assets
 */

/**
 * The configuration, as plain objects for capnpConfig(): one Worker service listening on `listen` (behind
 * the assets' router when it has static assets), its Durable Objects stored under `storage`, and an
 * outbound network of public addresses plus the loopback or private address of any URL among its
 * settings (the simulator on localhost, a proxy on the LAN).
 *
 * @example
 * capnpConfig(workerdConfig({ worker, modules: [{ name: "index.js", path: "bundle/index.js" }], settings, listen: "127.0.0.1:8790",
 *   storage: "/var/lib/calltouch-gateway/durable-objects", rateLimitModule: "rate-limit.mjs", workerdVersion }));
 *
 * @param {Options} options `modules`: the bundle's files by module name, with their paths relative to the
 *   configuration file; the main module first.
 */
export function workerdConfig({ worker, modules, settings, listen, storage, rateLimitModule, workerdVersion, assets }) {
  if (Boolean(worker.assets) !== Boolean(assets)) throw new Error("the assets' snapshot is given exactly when wrangler.toml has [assets]");
  return {
    services: [
      {
        name: worker.name,
        worker: {
          modules: modules.map(({ name, path }) => module(name, path)),
          compatibilityDate: worker.compatibilityDate,
          compatibilityFlags: worker.compatibilityFlags.length > 0 ? worker.compatibilityFlags : undefined,
          bindings: bindings(worker, settings, workerdVersion),
          durableObjectNamespaces: worker.classes.map(({ className, uniqueKey, sql }) => ({ className, uniqueKey, enableSql: sql })),
          durableObjectStorage: worker.classes.length > 0 ? { localDisk: "durable-objects" } : undefined,
        },
      },
      { name: "durable-objects", disk: { path: storage, writable: true } },
      // Defining "internet" replaces workerd's default one, which allows public addresses only.
      {
        name: "internet",
        network: {
          allow: ["public", ...localUpstreams(worker, settings).flatMap(({ addresses }) => addresses)],
          tlsOptions: { trustBrowserCas: true },
        },
      },
      ...(assets ? assetsServices(worker, assets) : []),
    ],
    sockets: [
      {
        name: "http",
        address: listen,
        http: { forwardedProtoHeader: "X-Forwarded-Proto" },
        service: assets ? ASSETS_ROUTER_SERVICE : worker.name,
      },
    ],
    extensions: [{ modules: [{ name: RATE_LIMIT_MODULE, internal: true, esModule: embed(rateLimitModule) }] }],
  };
}

/**
 * The router that answers a request for an asset and hands every other to the Worker, and the disk
 * service it reads the assets from (read-only; dotfiles are assets like any other file, as on Cloudflare).
 *
 * @param {WorkerConfig} worker
 * @param {Assets} assets
 */
function assetsServices(worker, { directory, manifest, headers, routerModule }) {
  return [
    {
      name: ASSETS_ROUTER_SERVICE,
      worker: {
        modules: [{ name: "assets-router.mjs", esModule: embed(routerModule) }],
        compatibilityDate: worker.compatibilityDate,
        bindings: [
          { name: "WORKER", service: worker.name },
          { name: "FILES", service: ASSETS_FILES_SERVICE },
          { name: "MANIFEST", json: JSON.stringify(manifest) },
          { name: "HEADERS", json: JSON.stringify(headers) },
          { name: "WORKER_FIRST", json: JSON.stringify(worker.assets?.workerFirst ?? []) },
        ],
      },
    },
    { name: ASSETS_FILES_SERVICE, disk: { path: directory, writable: false, allowDotfiles: true } },
  ];
}

/** @param {string} name @param {string} path */
function module(name, path) {
  const type = MODULE_TYPES[/** @type {keyof typeof MODULE_TYPES} */ (extname(name))];
  if (!type) throw new Error(`the bundle holds ${name}, a kind of module scripts/selfhost/workerd-config.mjs does not know`);
  return { name, [type]: embed(path) };
}

/**
 * Every binding of the Worker: the vars (wrangler.toml's value unless the environment sets one), every
 * other setting of the environment, the Durable Objects, the rate limits and SELF_HOSTED. Values from the
 * environment are never written into the file: workerd reads them from its own environment.
 *
 * @param {WorkerConfig} worker
 * @param {ReadonlyMap<string, Setting>} settings
 * @param {string} workerdVersion
 */
function bindings(worker, settings, workerdVersion) {
  const list = [];
  for (const [name, fallback] of Object.entries(worker.vars)) {
    if (settings.has(name)) list.push({ name, fromEnvironment: name });
    else list.push(typeof fallback === "string" ? { name, text: fallback } : { name, json: JSON.stringify(fallback) });
  }
  for (const name of settings.keys()) {
    if (!(name in worker.vars)) list.push({ name, fromEnvironment: name });
  }
  for (const { name, className } of worker.durableObjects) list.push({ name, durableObjectNamespace: className });
  // The Worker reads an asset as Cloudflare's binding hands it: the file at the request's path.
  if (worker.assets?.binding) list.push({ name: worker.assets.binding, service: ASSETS_FILES_SERVICE });
  for (const { name, limit, period } of worker.rateLimits) {
    list.push({
      name,
      wrapped: {
        moduleName: RATE_LIMIT_MODULE,
        innerBindings: [
          { name: "limit", json: String(limit) },
          { name: "period", json: String(period) },
        ],
      },
    });
  }
  list.push({
    name: SELF_HOSTED_BINDING,
    json: JSON.stringify({ runtime: `workerd ${workerdVersion}`, unavailable: worker.unavailable }),
  });

  const seen = new Set();
  for (const { name } of list) {
    if (seen.has(name))
      throw new Error(`${name} is bound twice: a setting of the environment cannot share a name with a binding of wrangler.toml`);
    seen.add(name);
  }
  return list;
}

/**
 * The settings whose value is a URL on this machine or the local network (its host an IP address or
 * `localhost`), with the addresses the outbound network must allow for it. Every other address the
 * Worker may reach is public: workerd's default, which keeps it from probing the server's own network.
 *
 * @example localUpstreams(worker, settings); // [{ name: "CALLTOUCH_BASE_URL", addresses: ["127.0.0.1/32", "::1/128"] }]
 * @param {WorkerConfig} worker
 * @param {ReadonlyMap<string, Setting>} settings
 * @returns {{ name: string; addresses: string[] }[]}
 */
export function localUpstreams(worker, settings) {
  const values = [
    ...Object.entries(worker.vars).filter(([name]) => !settings.has(name)),
    ...[...settings].map(([name, { value }]) => [name, value]),
  ];
  return values
    .map(([name, text]) => ({ name: String(name), addresses: localAddressesOf(text) }))
    .filter(({ addresses }) => addresses.length > 0);
}

/** @param {unknown} text */
function localAddressesOf(text) {
  if (typeof text !== "string" || !/^https?:\/\//.test(text)) return [];
  let host;
  try {
    host = new URL(text).hostname.replace(/^\[(.*)\]$/, "$1");
  } catch {
    return [];
  }
  if (host === "localhost") return ["127.0.0.1/32", "::1/128"];
  const family = isIP(host);
  if (family === 4) return [`${host}/32`];
  if (family === 6) return [`${host}/128`];
  return [];
}
