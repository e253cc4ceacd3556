// Size and start: the gateway's Worker bundle as `wrangler deploy --dry-run` builds it, minified and
// gzipped, against the target of 100 KiB, with what fills it (esbuild's metafile); and the time to the
// first response of a cold local Worker, against the floor of bench/ingest.ts (a bare Hono route that
// validates an order with the same contract) and an empty Worker, started the same way in the same run:
// the gateway's total within 1.2× the floor's. The floor and the empty Worker start twice: as they are,
// and with the gateway's bindings (its Durable Objects and rate limiters), which Miniflare simulates with
// services of its own at every start; the target compares the gateway with the floor started with them,
// so that it weighs the gateway's code, not the local simulation. Prints the targets and PASS or FAIL (exit 1).
//
//   node bench/size.ts [--starts 5]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, parseEnv } from "node:util";
import { type Bundle, dryRun, gzipCosts, packagePath } from "./lib/bundle.ts";
import { type ColdStart, type ColdWorker, coldStart, durableObjectClasses } from "./lib/cold-start.ts";
import { step } from "./lib/progress.ts";
import { num, printResult, printTable, verdict } from "./lib/report.ts";
import { median } from "./lib/stats.ts";

const MAX_GZIP_KIB = 100;
const MAX_COLD_START_RATIO = 1.2;
const WITH_BINDINGS = (name: string) => `${name}, gateway's bindings`;
const root = fileURLToPath(new URL("..", import.meta.url));
const { values: flags } = parseArgs({ options: { starts: { type: "string", default: "5" } } });
const STARTS = Number(flags.starts);

const kib = (bytes: number) => `${num(bytes / 1024, 1)} KiB`;
const out = mkdtempSync(join(tmpdir(), "calltouch-gateway-bench-size-"));
try {
  console.log(
    `size and start: wrangler deploy --dry-run; cold starts in workerd (Miniflare); ${availableParallelism()} CPUs, node ${process.version}`,
  );

  // The bundle wrangler.toml ships (minified), and the floor's, built the same way: what the contract
  // alone weighs. The cold starts run these same bundles.
  step("building the gateway (wrangler deploy --dry-run)");
  const gateway = await dryRun("wrangler.toml", join(out, "gateway"));
  step("building the floor");
  const floor = await dryRun("bench/floor/wrangler.toml", join(out, "floor"));

  console.log("\nbundle (gzip: zlib level 6 over the modules, as wrangler computes its Total Upload line)");
  printTable([
    ["", "bytes", "gzip", "wrangler says"],
    ...(
      [
        ["gateway, as wrangler.toml ships it", gateway],
        ["floor (contract + Hono)", floor],
      ] as const
    ).map(([name, bundle]) => [name, kib(bundle.bytes), kib(bundle.gzipBytes), bundle.wranglerReport.replace("Total Upload: ", "")]),
  ]);
  console.log(`gateway / floor, minified and gzipped: ×${num(gateway.gzipBytes / floor.gzipBytes, 2)}`);

  console.log("\nwhat fills the minified gateway (esbuild metafile; bytes before gzip)");
  printTable([["folder", "bytes", "share"], ...topFolders(gateway, 12)]);
  printTable([
    ["largest files", "bytes", "share"],
    ...gateway.inputs.slice(0, 6).map(({ path, bytes }) => [packagePath(path), kib(bytes), share(bytes, gateway)]),
  ]);
  // What a cut would save: gzip packs repeats, so the bytes above overstate escapes and repeated text.
  step("weighing each part gzipped");
  console.log("\nwhat each part costs the gzipped gateway (the gzip of index.js without its bytes, by the source map; overlapping)");
  printTable([
    ["package or folder", "gzip"],
    ...gzipCosts(gateway)
      .slice(0, 14)
      .map(([part, bytes]) => [part, kib(bytes)]),
  ]);

  console.log(`\ncold start: a new workerd process with the bundle, until ready, then until GET /health answers (median of ${STARTS})`);
  const empty = join(out, "empty.js");
  writeFileSync(empty, 'export default { fetch: () => new Response("ok") };\n');
  // The gateway's bindings name its Durable Object classes (Outbox, Egress): a Worker started with them must
  // export each. Empty ones are added to the module itself, since the cold start loads one module.
  const stubs =
    '\nimport { DurableObject as BenchDurableObject } from "cloudflare:workers";\n' +
    durableObjectClasses("wrangler.toml")
      .map((name) => `export class ${name} extends BenchDurableObject {}\n`)
      .join("");
  const emptyWithBindings = join(out, "empty-with-bindings.js");
  writeFileSync(emptyWithBindings, `export default { fetch: () => new Response("ok") };\n${stubs}`);
  const floorWithBindings = join(dirname(floor.main), "with-bindings.js");
  writeFileSync(floorWithBindings, readFileSync(floor.main, "utf8") + stubs);
  // The example vars, so that /health finds the settings complete, as under `scripts/run dev`.
  const vars = parseEnv(readFileSync(join(root, ".dev.vars.example"), "utf8")) as Record<string, string>;
  const workers: [string, ColdWorker][] = [
    ["empty Worker", { config: "bench/floor/wrangler.toml", main: empty }],
    ["floor", { config: "bench/floor/wrangler.toml", main: floor.main }],
    [WITH_BINDINGS("empty Worker"), { config: "wrangler.toml", main: emptyWithBindings }],
    [WITH_BINDINGS("floor"), { config: "wrangler.toml", main: floorWithBindings }],
    ["gateway", { config: "wrangler.toml", main: gateway.main, vars }],
  ];
  const runs = new Map<string, ColdStart[]>(workers.map(([name]) => [name, []]));
  // Round after round, so that the machine's moods spread over all of them alike.
  for (let round = 0; round < STARTS; round++) {
    for (const [name, worker] of workers) {
      step(`cold start ${round + 1} of ${STARTS}: ${name}`);
      runs.get(name)!.push(await coldStart(worker, "/health"));
    }
  }
  const medians = new Map([...runs].map(([name, starts]) => [name, medianOf(starts)]));
  const ms = (value: number) => `${num(value)} ms`;
  printTable([
    ["", "to ready", "first response", "total"],
    ...[...medians].map(([name, start]) => [name, ms(start.startMs), ms(start.firstResponseMs), ms(start.startMs + start.firstResponseMs)]),
  ]);
  const total = (name: string) => medians.get(name)!.startMs + medians.get(name)!.firstResponseMs;
  // Like for like: the floor started with the gateway's bindings, whose local simulation is not the gateway's code.
  const coldStartRatio = total("gateway") / total(WITH_BINDINGS("floor"));
  console.log(
    `gateway / floor with the gateway's bindings: total ×${num(coldStartRatio, 2)}; / floor without them: ` +
      `×${num(total("gateway") / total("floor"), 2)}. The bindings in Miniflare: ` +
      `+${ms(total(WITH_BINDINGS("empty Worker")) - total("empty Worker"))} to an empty Worker, ` +
      `+${ms(total(WITH_BINDINGS("floor")) - total("floor"))} to the floor`,
  );
  // The same starts in workerd's CPU time, which a busy machine inflates far less than wall time.
  const cpus = new Map([...runs].map(([name, starts]) => [name, meanCpuOf(starts)]));
  const cpuTotal = (name: string) => (cpus.get(name) ? cpus.get(name)!.startMs + cpus.get(name)!.firstResponseMs : Number.NaN);
  const coldStartCpuRatio = cpuTotal("gateway") / cpuTotal(WITH_BINDINGS("floor"));
  if (!Number.isNaN(coldStartCpuRatio)) {
    console.log(`\nthe same starts in workerd's CPU time (user + system, all threads; mean of ${STARTS}, in ticks of 10 ms)`);
    printTable([
      ["", "to ready", "first response", "total"],
      ...[...cpus].map(([name, cpu]) => [name, ms(cpu!.startMs), ms(cpu!.firstResponseMs), ms(cpuTotal(name))]),
    ]);
    console.log(
      `gateway / floor with the gateway's bindings: CPU ×${num(coldStartCpuRatio, 2)}; / floor without them: ` +
        `×${num(cpuTotal("gateway") / cpuTotal("floor"), 2)}`,
    );
  }

  console.log();
  const failures = [
    ...(gateway.gzipBytes < MAX_GZIP_KIB * 1024 ? [] : [`the minified gateway is ${kib(gateway.gzipBytes)} gzipped`]),
    ...(coldStartRatio <= MAX_COLD_START_RATIO ? [] : [`the gateway's cold start is ×${num(coldStartRatio, 2)} the floor's`]),
  ];
  verdict(
    `the gateway's minified bundle under ${MAX_GZIP_KIB} KiB gzipped; its cold start (to the first response) within ` +
      `${MAX_COLD_START_RATIO}× the floor's, both with the gateway's bindings`,
    failures,
  );
  printResult("size", {
    gzipKiB: gateway.gzipBytes / 1024,
    coldStartRatio,
    ...(Number.isNaN(coldStartCpuRatio) ? {} : { coldStartCpuRatio }),
  });
} finally {
  rmSync(out, { recursive: true, force: true });
}

function share(bytes: number, bundle: Bundle): string {
  return `${num((100 * bytes) / bundle.bytes, 1)} %`;
}

/** The `count` folders whose files take most of `bundle`, with their size and share. */
function topFolders(bundle: Bundle, count: number): string[][] {
  const folders = new Map<string, number>();
  for (const { path, bytes } of bundle.inputs) {
    const folder = dirname(packagePath(path));
    folders.set(folder, (folders.get(folder) ?? 0) + bytes);
  }
  return [...folders]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([folder, bytes]) => [folder, kib(bytes), share(bytes, bundle)]);
}

/** The median of each phase on its own. */
function medianOf(starts: readonly ColdStart[]): ColdStart {
  return { startMs: median(starts.map((start) => start.startMs)), firstResponseMs: median(starts.map((start) => start.firstResponseMs)) };
}

/** The mean CPU time of each phase, where every start measured one: ticks of 10 ms need many starts. */
function meanCpuOf(starts: readonly ColdStart[]): ColdStart["cpu"] {
  if (starts.some((start) => start.cpu === undefined)) return undefined;
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  return {
    startMs: mean(starts.map((start) => start.cpu!.startMs)),
    firstResponseMs: mean(starts.map((start) => start.cpu!.firstResponseMs)),
  };
}
