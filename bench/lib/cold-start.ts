import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

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

/** Linux reports CPU time in ticks of 1/100 s to user space (USER_HZ), whatever the kernel's own rate. */
const TICK_MS = 10;

/**
 * The CPU time, user and system, of the workerd processes this process started and that still run (the
 * one of the cold start: each is disposed before the next starts), from `/proc/<pid>/stat`; `undefined`
 * off Linux.
 */
function workerdCpuMs(): number | undefined {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  let ticks = 0;
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    // `pid (comm) state ppid … utime stime …`: comm may hold spaces, so fields count from its closing parenthesis.
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (name === "workerd" && Number(fields[1]) === process.pid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * TICK_MS;
}

let miniflare: Promise<MiniflareModule> | undefined;
