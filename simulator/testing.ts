// Node side of the simulator, for other packages' Vitest configs: the simulator as an auxiliary Worker.
import { randomUUID } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { unstable_readConfig } from "wrangler";
import * as z from "zod";

const WRANGLER_TOML = fileURLToPath(new URL("./wrangler.toml", import.meta.url));
const ENTRY = fileURLToPath(new URL("./src/index.ts", import.meta.url));
const DIST = fileURLToPath(new URL("./dist/", import.meta.url));
const SCRIPT = `${DIST}calltouch-simulator.mjs`;

// What this file takes from wrangler.toml (wrangler's own Config type does not resolve outside wrangler).
const wranglerToml = z.object({
  name: z.string(),
  compatibility_date: z.string(),
  vars: z.object({ SIMULATOR_ACCESS_TOKEN: z.string(), SIMULATOR_SITE_ID: z.string() }),
  durable_objects: z.object({
    bindings: z.array(z.object({ name: z.string(), class_name: z.string() })),
  }),
});

/** Miniflare options for the simulator as an auxiliary Worker, as the Vitest plugin's `miniflare.workers` takes. */
export type SimulatorWorkerOptions = {
  name: string;
  modules: true;
  scriptPath: string;
  modulesRoot: string;
  compatibilityDate: string;
  bindings: { SIMULATOR_ACCESS_TOKEN: string; SIMULATOR_SITE_ID: string };
  durableObjects: { CALLTOUCH: { className: string; useSQLite: true } };
};

/** What a caller may change; everything else comes from `simulator/wrangler.toml`. */
export type SimulatorWorkerOverrides = {
  /** The Worker's name, which service bindings and `outboundService` point at. Default: wrangler.toml's name. */
  name?: string;
  /** The Access-Token the simulator accepts at start. Default: wrangler.toml's SIMULATOR_ACCESS_TOKEN. */
  accessToken?: string;
  /** The SiteId the simulator accepts at start. Default: wrangler.toml's SIMULATOR_SITE_ID. */
  siteId?: string;
};

/**
 * Bundles `simulator/src/index.ts` into one ES module under `simulator/dist/` and answers the Miniflare worker
 * options that run it, with the name, compatibility date, vars and Durable Object of `simulator/wrangler.toml`.
 *
 * @example
 * // vitest.config.ts of a package that talks to Calltouch
 * cloudflareTest(async () => {
 *   const simulator = await simulatorWorkerOptions();
 *   return { miniflare: { workers: [simulator], outboundService: simulator.name } };
 * })
 *
 * For `new Miniflare()` itself (Miniflare 5 takes another shape), pass the options through
 * `convertV4MiniflareOptions({ workers: [options] })`.
 */
export async function simulatorWorkerOptions(overrides: SimulatorWorkerOverrides = {}): Promise<SimulatorWorkerOptions> {
  const config = wranglerToml.parse(unstable_readConfig({ config: WRANGLER_TOML }));
  const binding = config.durable_objects.bindings.find((candidate) => candidate.name === "CALLTOUCH");
  if (binding === undefined) throw new Error(`${WRANGLER_TOML} has no CALLTOUCH Durable Object binding`);
  await bundle();
  return {
    name: overrides.name ?? config.name,
    modules: true,
    scriptPath: SCRIPT,
    // Module names are paths relative to this root; left to the default (the working directory), a script
    // outside it gets a name starting with "../", which workerd refuses to start.
    modulesRoot: DIST,
    compatibilityDate: config.compatibility_date,
    bindings: {
      SIMULATOR_ACCESS_TOKEN: overrides.accessToken ?? config.vars.SIMULATOR_ACCESS_TOKEN,
      SIMULATOR_SITE_ID: overrides.siteId ?? config.vars.SIMULATOR_SITE_ID,
    },
    // The state lives in SQLite (wrangler.toml's new_sqlite_classes migration).
    durableObjects: { CALLTOUCH: { className: binding.class_name, useSQLite: true } },
  };
}

// Several Vitest projects may bundle at once: each writes its own file and renames it into place, so that a
// Worker never starts from a half-written script.
async function bundle(): Promise<void> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2024",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*"],
    write: false,
    logLevel: "silent",
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error("esbuild wrote no simulator bundle");
  await mkdir(DIST, { recursive: true });
  const partial = `${SCRIPT}.${randomUUID()}.tmp`;
  await writeFile(partial, output.contents);
  await rename(partial, SCRIPT);
}
