import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { cpuMs, processes } from "./proc.ts";

/** A Worker to start cold: a bundle and the bindings of its wrangler config, plus `vars`. */
export interface ColdWorker {
  /** Its wrangler config, for compatibility date, vars and bindings (Durable Objects, rate limits). */
  config: string;
  /** The bundled main module, e.g. what `wrangler deploy --dry-run --outdir` wrote. */
  main: string;
  /** Secrets and vars that `wrangler dev` would read from a vars file. */
  vars?: Record<string, string>;
}

/** How long a cold start took, in milliseconds. */
export interface ColdStart {
  /** From asking for a new workerd process with the Worker to its being ready: process start, compiling and evaluating the bundle. */
  startMs: number;
  /** From ready to the answer of the first request: the first run of the handler and whatever it sets up lazily. */
  firstResponseMs: number;
  /**
   * The CPU time workerd spent in the same two phases (all its threads, in ticks of 10 ms), which other
   * processes on the machine inflate far less than wall time; `undefined` where `/proc` does not tell.
   */
  cpu?: { startMs: number; firstResponseMs: number };
}

/** The part of Miniflare's API used here; Miniflare is wrangler's dependency, not ours, so it is typed here. */
interface Miniflare {
  ready: Promise<URL>;
  dispatchFetch(url: string): Promise<{ status: number; text(): Promise<string> }>;
  dispose(): Promise<void>;
}
interface MiniflareModule {
  Miniflare: new (options: unknown) => Miniflare;
  /** Miniflare 5 takes the v4 options wrangler's helpers speak through this converter. */
  convertV4MiniflareOptions(options: object): unknown;
}

/** Miniflare as wrangler resolves it: the same workerd that `wrangler dev` runs. */
async function loadMiniflare(): Promise<MiniflareModule> {
  const fromWrangler = createRequire(fileURLToPath(import.meta.resolve("wrangler")));
  return (await import(pathToFileURL(fromWrangler.resolve("miniflare")).href)) as MiniflareModule;
}

/**
 * The Durable Object classes `config`'s bindings name, which a Worker started with those bindings must
 * export.
 *
 * @example durableObjectClasses("wrangler.toml") // ["Outbox", "Egress"]
 */
export function durableObjectClasses(config: string): string[] {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(config) as {
    workerOptions: { durableObjects?: Record<string, string | { className: string }> };
  };
  return Object.values(workerOptions.durableObjects ?? {}).map((binding) => (typeof binding === "string" ? binding : binding.className));
}

/**
 * Starts `worker` in a new workerd process (Miniflare, as `wrangler dev` does, without wrangler's own
 * bundling and proxy), times it until it is ready and until `path` answers, and stops it. Fails unless
 * the answer is a 200.
 *
 * @example const { startMs, firstResponseMs } = await coldStart({ config: "bench/floor/wrangler.toml", main: "/tmp/floor/index.js" }, "/health");
 */
export async function coldStart(worker: ColdWorker, path: string): Promise<ColdStart> {
  const { Miniflare, convertV4MiniflareOptions } = await (miniflare ??= loadMiniflare());
  const { workerOptions: fromConfig } = unstable_getMiniflareWorkerOptions(worker.config) as { workerOptions: Record<string, unknown> };
  const options = convertV4MiniflareOptions({
    port: 0,
    // The Workers' logs are not what is timed here.
    handleStructuredLogs: () => {},
    workers: [
      {
        name: "cold",
        modules: true,
        scriptPath: worker.main,
        modulesRoot: dirname(worker.main),
        compatibilityDate: fromConfig.compatibilityDate,
        compatibilityFlags: fromConfig.compatibilityFlags,
        durableObjects: fromConfig.durableObjects,
        ratelimits: fromConfig.ratelimits,
        bindings: { ...(fromConfig.bindings as object), ...worker.vars },
      },
    ],
  });
  const started = performance.now();
  const runtime = new Miniflare(options);
  try {
    const url = await runtime.ready;
    const ready = performance.now();
    const cpuReady = workerdCpuMs();
    const response = await runtime.dispatchFetch(new URL(path, url).href);
    const answered = performance.now();
    const cpuAnswered = workerdCpuMs();
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${worker.config}: ${path} answered ${response.status} ${text.slice(0, 300)}`);
    const cpu =
      cpuReady === undefined || cpuAnswered === undefined ? undefined : { startMs: cpuReady, firstResponseMs: cpuAnswered - cpuReady };
    return { startMs: ready - started, firstResponseMs: answered - ready, ...(cpu ? { cpu } : {}) };
  } finally {
    await runtime.dispose();
  }
}

/**
 * The CPU time, user and system, of the workerd processes this process started and that still run (the
 * one of the cold start: each is disposed before the next starts); `undefined` off Linux.
 */
function workerdCpuMs(): number | undefined {
  if (!existsSync("/proc/self/stat")) return undefined;
  let total = 0;
  for (const proc of processes()) {
    if (proc.ppid !== process.pid || !/\bworkerd\b/.test(proc.args)) continue;
    try {
      total += cpuMs(proc.pid);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

let miniflare: Promise<MiniflareModule> | undefined;
