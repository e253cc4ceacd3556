// Ingest: `orders.create` with one order per call from 64 concurrent clients for 30 s, on local workerd
// (`wrangler dev`), against two floors in the same runtime: the stateless floor (bench/floor: parse and
// validate the same body) and the durable floor (bench/durable-floor: the same, then one SQLite insert per
// call in a Durable Object). A third, the tRPC floor (bench/trpc-floor: the stateless floor's work as a tRPC
// procedure), is not a target: it shows what the framework of the gateway's API costs by itself. One Worker
// at a time, each after a warm-up; prints req/s, p50, p99 and refusals of each, the gateway's ratios to the
// floors, the CPU the simulator used meanwhile, the target, PASS or FAIL (exit 1), and a RESULT line.
//
//   node bench/ingest.ts [--duration 30] [--connections 64] [--warmup 3]
//
// The gateway runs as `scripts/run dev` runs it (the example vars, the simulator playing Calltouch at its
// defaults), but for its per-key rate limit, raised so that one key may make every call. Each create is
// stored in the site's Outbox (SQLite) and answered with a `queued` receipt, while the outbox delivers to
// the simulator in the background, as it would in production. It is loaded three times. The targets judge
// the first: its rate limiter counting in memory, as Cloudflare's binding does (bench/gateway-memory-limits),
// and its calls reaching the Worker as the floors' do, without the asset router that `wrangler dev` puts in
// front of a Worker with `[assets]`: two more Workers of Miniflare's on the same thread at every call, even on
// `run_worker_first` paths, where on Cloudflare that router is the platform's, not the Worker's CPU. The
// second adds that router back; the third is the gateway as `wrangler dev` runs it, with the router and
// Miniflare's simulation of the rate-limiting binding, which writes a SQLite-backed object at every call.
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { memoExampleOrder } from "../contract/src/examples.ts";
import { startDevServers } from "../test/e2e/dev-servers.ts";
import { DEV_KEY, type DeliveryStats, query } from "./lib/drive.ts";
import { writeGatewayConfig } from "./lib/gateway-config.ts";
import { type LoadRequest, type LoadResult, load } from "./lib/load.ts";
import { startLocalWorker } from "./lib/local-worker.ts";
import { cpuMs, workerdOf } from "./lib/proc.ts";
import { step } from "./lib/progress.ts";
import { num, printResult, printTable, verdict } from "./lib/report.ts";

/** Of the stateless floor's throughput; of the durable floor's, the gateway must do at least as well. */
const MIN_STATELESS_RATIO = 0.7;
const MIN_DURABLE_RATIO = 1;
/** Per key per minute: far above what the load can send, so that no call meets the limit. */
const KEY_RATE_LIMIT = 100_000_000;

const { values: flags } = parseArgs({
  options: {
    duration: { type: "string", default: "30" },
    connections: { type: "string", default: "64" },
    warmup: { type: "string", default: "3" },
  },
});
const shape = { seconds: Number(flags.duration), connections: Number(flags.connections), warmupSeconds: Number(flags.warmup) };

/**
 * The n-th call's body: the memo's example deal with an orderNumber, a phone and an e-mail of its own, as
 * new deals come; the contract remembers recently parsed phones, so a repeated phone would cost less.
 */
const body = (n: number) =>
  JSON.stringify({
    ...memoExampleOrder,
    orderNumber: `ingest-${n}`,
    phones: [`7915${String(n % 1e7).padStart(7, "0")}`],
    emails: [`client${n}@example.com`],
  });

/** Sends one call and fails unless the answer is what `ok` expects: a wrong setup must not be measured. */
async function checkOne(request: LoadRequest, ok: (data: unknown) => boolean): Promise<void> {
  const response = await fetch(request.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...request.headers },
    // Past any number the load sends, so that the load's first order is new to the gateway.
    body: body(1e7),
  });
  const text = await response.text();
  if (!response.ok || !ok((JSON.parse(text) as { result?: { data?: unknown } }).result?.data)) {
    throw new Error(`${request.url} answered ${response.status} ${text.slice(0, 300)}`);
  }
}

/** The CPU milliseconds used so far by the workerd processes of the Worker at `url` (runtime and proxy). */
function cpuOf(url: string): () => number {
  const pids = workerdOf(Number(new URL(url).port));
  return () => pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
}

const loading = (what: string) => `${what}: ${shape.warmupSeconds} s of warm-up, then ${shape.seconds} s of load`;

/** A floor Worker (`config`), loaded once it answered one call as `ok` expects. */
async function measureFloor(name: string, config: string, ok: (data: unknown) => boolean): Promise<LoadResult> {
  step(`starting the ${name} (wrangler dev)`);
  const floor = await startLocalWorker(config);
  try {
    const request = { url: `${floor.url}/trpc/orders.create`, headers: {}, body };
    await checkOne(request, ok);
    step(loading(`loading the ${name}`));
    return await load(request, shape, cpuOf(floor.url));
  } finally {
    await floor.stop();
  }
}

/**
 * The gateway loaded, its outbox after the load, and the CPU milliseconds per response that the simulator
 * (playing Calltouch on the same machine, which no floor has beside it) used meanwhile.
 */
async function measureGateway(
  name: string,
  options: { memoryLimiter: boolean; assetRouter: boolean },
): Promise<{ result: LoadResult; outbox: DeliveryStats; simulatorMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), "calltouch-gateway-bench-ingest-"));
  try {
    step(`starting ${name} and the simulator (wrangler dev)`);
    const servers = await startDevServers({ config: writeGatewayConfig(dir, KEY_RATE_LIMIT, options) });
    try {
      const request = { url: `${servers.gatewayUrl}/trpc/orders.create`, headers: { authorization: `Bearer ${DEV_KEY}` }, body };
      await checkOne(request, (data) => (data as { receipts?: { state: string }[] }).receipts?.[0]?.state === "queued");
      step(loading(`loading ${name}`));
      const [gatewayCpu, simulatorCpu] = [cpuOf(servers.gatewayUrl), cpuOf(servers.simulatorUrl)];
      // `load` reads the CPU once as its measured window opens and once as it closes: the simulator's is read beside.
      const simulatorReads: number[] = [];
      const result = await load(request, shape, () => {
        simulatorReads.push(simulatorCpu());
        return gatewayCpu();
      });
      const simulatorMs = (simulatorReads.at(-1)! - simulatorReads[0]!) / Math.max(1, result.responses);
      return { result, outbox: await query<DeliveryStats>(servers.gatewayUrl, "deliveries.stats"), simulatorMs };
    } finally {
      await servers.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  `ingest: orders.create, one order per call, ${shape.connections} connections, ${shape.seconds} s each after ${shape.warmupSeconds} s of warm-up; ` +
    `local workerd (wrangler dev); ${availableParallelism()} CPUs, node ${process.version}, load average ${num(loadavg()[0]!, 1)}`,
);
const stateless = await measureFloor(
  "stateless floor",
  "bench/floor/wrangler.toml",
  (data) => (data as { valid?: boolean }).valid === true,
);
const trpc = await measureFloor("tRPC floor", "bench/trpc-floor/wrangler.toml", (data) => (data as { valid?: boolean }).valid === true);
const durable = await measureFloor(
  "durable floor",
  "bench/durable-floor/wrangler.toml",
  (data) => typeof (data as { stored?: unknown }).stored === "number",
);
const gateways = [
  ["rate limiter in memory, no asset router", { memoryLimiter: true, assetRouter: false }],
  ["rate limiter in memory, asset router", { memoryLimiter: true, assetRouter: true }],
  ["as wrangler dev runs it: Miniflare's rate limiter, asset router", { memoryLimiter: false, assetRouter: true }],
] as const;
const measured = [];
for (const [name, options] of gateways) measured.push({ name, ...(await measureGateway(`the gateway (${name})`, options)) });
const gateway = measured[0]!;

const ms = (value: number) => `${num(value)} ms`;
const refused = (result: LoadResult) =>
  Object.entries(result.statuses)
    .map(([status, count]) => `${status}×${count}`)
    .join(" ") || "0";
const sides = [
  ["stateless floor (parse + validate)", stateless],
  ["tRPC floor (the same as a tRPC procedure)", trpc],
  ["durable floor (+ one insert per call)", durable],
  ...measured.map(({ name, result }) => [`gateway, ${name}`, result] as const),
] as const;
printTable([
  ["", "req/s", "p50", "p99", "CPU/response", "responses", "non-2xx", "errors"],
  ...sides.map(([name, result]) => [
    name,
    num(result.rps),
    ms(result.p50),
    ms(result.p99),
    `${num(result.cpuMsPerResponse, 2)} ms`,
    num(result.responses),
    refused(result),
    num(result.errors),
  ]),
]);
const percent = (value: number) => `${num(value * 100, 1)} %`;
const vsStateless = gateway.result.rps / stateless.rps;
const vsDurable = gateway.result.rps / durable.rps;
for (const { name, result } of measured) {
  console.log(
    `gateway (${name}): ${percent(result.rps / stateless.rps)} of the stateless floor, ${percent(result.rps / durable.rps)} of the ` +
      `durable floor; p99 ${ms(result.p99)} beside the floors' ${ms(stateless.p99)} and ${ms(durable.p99)}`,
  );
}
console.log(
  `tRPC floor: ${percent(trpc.rps / stateless.rps)} of the stateless floor; the gateway ${percent(gateway.result.rps / trpc.rps)} of the tRPC floor`,
);
// Each connection waits for its answer before it sends again, so latency is connections / throughput.
console.log(`latency: ${shape.connections} connections kept busy wait about connections ÷ throughput, so p99 is read beside the floors'`);
// Throughput follows the share of the machine a Worker gets; its CPU per response does not, on a busy machine.
const cpuRatio = (floor: LoadResult) => floor.cpuMsPerResponse / gateway.result.cpuMsPerResponse;
console.log(
  `CPU per response (workerd's runtime and proxy; the gateway's includes its delivery in the background): ` +
    `the stateless floor's is ${percent(cpuRatio(stateless))} of the gateway's, the tRPC floor's ${percent(cpuRatio(trpc))}, ` +
    `the durable floor's ${percent(cpuRatio(durable))}`,
);
for (const { name, outbox, simulatorMs } of measured) {
  console.log(
    `the gateway's outbox after the load (${name}): ${num(outbox.queued)} queued, ${num(outbox.inFlight)} in flight, ` +
      `${num(outbox.delivered)} delivered, ${num(outbox.dead)} dead; the simulator, receiving them as Calltouch on the same ` +
      `machine, used ${num(simulatorMs, 2)} ms of CPU per gateway response besides`,
  );
}

const failures: string[] = [];
if (vsStateless < MIN_STATELESS_RATIO) failures.push(`throughput ${percent(vsStateless)} of the stateless floor's`);
if (vsDurable < MIN_DURABLE_RATIO) failures.push(`throughput ${percent(vsDurable)} of the durable floor's`);
for (const [name, result] of sides) {
  if (result.non2xx > 0 || result.errors > 0) {
    failures.push(
      `${name}: ${num(result.non2xx)} non-2xx (${refused(result)}) and ${num(result.errors)} errors: the benchmark is misconfigured`,
    );
  }
}
verdict(
  `gateway with its rate limiter in memory and no asset router ≥ ${percent(MIN_STATELESS_RATIO)} of the stateless floor's throughput and ` +
    `≥ ${percent(MIN_DURABLE_RATIO)} of the durable floor's; no errors or non-2xx`,
  failures,
);
printResult("ingest", {
  vsStatelessFloor: vsStateless,
  vsDurableFloor: vsDurable,
  p99Ms: gateway.result.p99,
  vsTrpcFloor: gateway.result.rps / trpc.rps,
  trpcFloorVsStateless: trpc.rps / stateless.rps,
  // The same ratios with the local asset router in front: what this benchmark judged until it left the router out.
  vsStatelessFloorAssetRouter: measured[1]!.result.rps / stateless.rps,
  vsDurableFloorAssetRouter: measured[1]!.result.rps / durable.rps,
});
