// Ingest: `orders.create` with one order per call from 64 concurrent clients, on local workerd (`wrangler
// dev`), against two floors in the same runtime: the stateless floor (bench/floor: parse and validate the same
// body) and the durable floor (bench/durable-floor: the same, then one SQLite insert per call in a Durable
// Object). Two more are not targets: the tRPC floor (bench/trpc-floor: the stateless floor's work as a tRPC
// procedure) shows what the framework of the gateway's API costs by itself, and the tRPC durable floor
// (bench/trpc-durable-floor: the durable floor's work as a tRPC procedure) what a tRPC API that answers once
// an order is stored costs before anything the gateway adds. Prints req/s, p50, p99 and
// refusals of each, the gateway's ratios to the floors, the CPU the simulator used meanwhile, the target,
// PASS or FAIL (exit 1), and a RESULT line.
//
//   node bench/ingest.ts [--rounds 3] [--duration 10] [--connections 64] [--warmup 3]
//
// Each round loads every Worker once, one at a time, in turn (each round starting one further along): started
// for its load, `warmup` seconds, then `duration` seconds measured, then stopped. This machine's speed drifts
// by a quarter within minutes, so a ratio is taken within a round, between loads a minute or two apart, and
// the median round's is judged; each round's is printed.
//
// The gateway runs as `scripts/run dev` runs it (the example vars, the simulator playing Calltouch at its
// defaults), but for its per-key rate limit, raised so that one key may make every call. Each create is
// stored in the site's Outbox (SQLite) and answered with a `queued` receipt, while the outbox delivers to
// the simulator in the background, as it would in production. It is loaded as three Workers. The targets
// judge the first: its rate limiter counting in memory, as Cloudflare's binding does
// (bench/gateway-memory-limits), and its calls reaching the Worker as the floors' do, without the asset
// router that `wrangler dev` puts in front of a Worker with `[assets]`: two more Workers of Miniflare's on the
// same thread at every call, even on `run_worker_first` paths, where on Cloudflare that router is the
// platform's, not the Worker's CPU. The second adds that router back; the third is the gateway as `wrangler
// dev` runs it, with the router and Miniflare's simulation of the rate-limiting binding, which writes a
// SQLite-backed object at every call.
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
import { median } from "./lib/stats.ts";

/** Of the stateless floor's throughput; of the durable floor's, the gateway must do at least as well. */
const MIN_STATELESS_RATIO = 0.7;
const MIN_DURABLE_RATIO = 1;
/** Per key per minute: far above what the load can send, so that no call meets the limit. */
const KEY_RATE_LIMIT = 100_000_000;

const { values: flags } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "64" },
    warmup: { type: "string", default: "3" },
  },
});
const rounds = Number(flags.rounds);
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
    // A deal no load sends, so that the load's first order is new to the gateway.
    body: JSON.stringify({ ...memoExampleOrder, orderNumber: "ingest-check", phones: ["79150000000"] }),
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

/** A Worker the benchmark loads: how to start it, and what each of its loads measured. */
interface Side {
  name: string;
  start(): Promise<Started>;
  loads: LoadResult[];
  /** A gateway's: the simulator's CPU per response of each load, and its outbox after each load. */
  gateway?: { simulatorMs: number[]; outboxes: DeliveryStats[] };
}

/** A started Worker: the call to load it with, its CPU, and how to stop it. */
interface Started {
  request: LoadRequest;
  cpu: () => number;
  stop(): Promise<void>;
  /** A gateway's: the simulator's CPU so far, and the outbox's stats. */
  gateway?: { simulatorCpu: () => number; outbox(): Promise<DeliveryStats> };
}

/** A floor Worker (`config`), which must answer one call as `ok` expects before it is loaded. */
function floor(name: string, config: string, ok: (data: unknown) => boolean): Side {
  return {
    name,
    loads: [],
    async start() {
      const worker = await startLocalWorker(config);
      try {
        const request = { url: `${worker.url}/trpc/orders.create`, headers: {}, body };
        await checkOne(request, ok);
        return { request, cpu: cpuOf(worker.url), stop: () => worker.stop() };
      } catch (error) {
        await worker.stop();
        throw error;
      }
    },
  };
}

/** The gateway and its simulator, which must answer one call with a `queued` receipt before it is loaded. */
function gateway(name: string, options: { memoryLimiter: boolean; assetRouter: boolean }): Side {
  return {
    name: `gateway, ${name}`,
    loads: [],
    gateway: { simulatorMs: [], outboxes: [] },
    async start() {
      const dir = mkdtempSync(join(tmpdir(), "calltouch-gateway-bench-ingest-"));
      const servers = await startDevServers({ config: writeGatewayConfig(dir, KEY_RATE_LIMIT, options) }).catch((error: unknown) => {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      });
      const stop = async () => {
        await servers.stop();
        rmSync(dir, { recursive: true, force: true });
      };
      try {
        const request = { url: `${servers.gatewayUrl}/trpc/orders.create`, headers: { authorization: `Bearer ${DEV_KEY}` }, body };
        await checkOne(request, (data) => (data as { receipts?: { state: string }[] }).receipts?.[0]?.state === "queued");
        const simulatorCpu = cpuOf(servers.simulatorUrl);
        const outbox = () => query<DeliveryStats>(servers.gatewayUrl, "deliveries.stats");
        return { request, cpu: cpuOf(servers.gatewayUrl), stop, gateway: { simulatorCpu, outbox } };
      } catch (error) {
        await stop();
        throw error;
      }
    },
  };
}

/**
 * One load of `side`, started for it and stopped after it: a Worker left running between its loads would
 * take the machine's CPU from the others' (their file watchers alone, about a quarter of a core for six).
 */
async function measure(side: Side, round: number): Promise<void> {
  const where = `round ${round + 1} of ${rounds}: the ${side.name}`;
  step(`${where}: starting it (wrangler dev)`);
  const started = await side.start();
  try {
    step(`${where}: ${shape.warmupSeconds} s of warm-up, then ${shape.seconds} s of load`);
    // `load` reads the CPU once as its measured window opens and once as it closes: the simulator's is read beside.
    const simulatorReads: number[] = [];
    const result = await load(started.request, shape, () => {
      if (started.gateway) simulatorReads.push(started.gateway.simulatorCpu());
      return started.cpu();
    });
    side.loads.push(result);
    if (side.gateway && started.gateway) {
      side.gateway.simulatorMs.push((simulatorReads.at(-1)! - simulatorReads[0]!) / Math.max(1, result.responses));
      side.gateway.outboxes.push(await started.gateway.outbox());
    }
  } finally {
    await started.stop();
  }
}

/** The median over `side`'s rounds of one figure of its loads. */
const medianOf = (side: Side, figure: "rps" | "p50" | "p99") => median(side.loads.map((load) => load[figure]));
/** Of all its loads: responses, refusals and errors summed, CPU per response over them all. */
function total(side: Side) {
  const responses = side.loads.reduce((sum, load) => sum + load.responses, 0);
  const statuses: Record<string, number> = {};
  for (const load of side.loads)
    for (const [status, count] of Object.entries(load.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
  return {
    responses,
    non2xx: side.loads.reduce((sum, load) => sum + load.non2xx, 0),
    errors: side.loads.reduce((sum, load) => sum + load.errors, 0),
    statuses,
    cpuMsPerResponse: side.loads.reduce((sum, load) => sum + load.cpuMsPerResponse * load.responses, 0) / Math.max(1, responses),
  };
}
/** A gateway's outboxes right after its loads, one field summed over them. */
const outboxTotal = (side: Side, field: keyof Pick<DeliveryStats, "queued" | "inFlight" | "delivered" | "dead">) =>
  side.gateway!.outboxes.reduce((all, outbox) => all + outbox[field], 0);
/** Each round's ratio of `side`'s throughput to `floor`'s, and their median. */
function ratios(side: Side, floor: Side): { each: number[]; median: number } {
  const each = side.loads.map((load, round) => load.rps / floor.loads[round]!.rps);
  return { each, median: median(each) };
}

console.log(
  `ingest: orders.create, one order per call, ${shape.connections} connections; ${rounds} rounds, each loading every Worker in turn ` +
    `for ${shape.seconds} s after ${shape.warmupSeconds} s of warm-up; local workerd (wrangler dev); ${availableParallelism()} CPUs, ` +
    `node ${process.version}, load average ${num(loadavg()[0]!, 1)}`,
);
const isValid = (data: unknown) => (data as { valid?: boolean }).valid === true;
const isStored = (data: unknown) => typeof (data as { stored?: unknown }).stored === "number";
const sides = [
  floor("stateless floor (parse + validate)", "bench/floor/wrangler.toml", isValid),
  floor("tRPC floor (the same as a tRPC procedure)", "bench/trpc-floor/wrangler.toml", isValid),
  floor("durable floor (+ one insert per call)", "bench/durable-floor/wrangler.toml", isStored),
  floor("tRPC durable floor (the same as a tRPC procedure)", "bench/trpc-durable-floor/wrangler.toml", isStored),
  gateway("rate limiter in memory, no asset router", { memoryLimiter: true, assetRouter: false }),
  gateway("rate limiter in memory, asset router", { memoryLimiter: true, assetRouter: true }),
  gateway("as wrangler dev runs it: Miniflare's rate limiter, asset router", { memoryLimiter: false, assetRouter: true }),
];
for (let round = 0; round < rounds; round++) {
  // Each round starts one Worker further along, so that none is always loaded first.
  for (let turn = 0; turn < sides.length; turn++) await measure(sides[(round + turn) % sides.length]!, round);
}

const [stateless, trpc, durable, trpcDurable, judged, withRouter] = sides as [Side, Side, Side, Side, Side, Side, Side];
const gateways = sides.filter((side) => side.gateway);
const ms = (value: number) => `${num(value)} ms`;
const percent = (value: number) => `${num(value * 100, 1)} %`;
const refused = (statuses: Record<string, number>) =>
  Object.entries(statuses)
    .map(([status, count]) => `${status}×${count}`)
    .join(" ") || "0";
console.log("each Worker's median round (req/s, p50, p99); CPU per response, responses, refusals and errors of all its rounds");
printTable([
  ["", "req/s", "p50", "p99", "CPU/response", "responses", "non-2xx", "errors"],
  ...sides.map((side) => {
    const all = total(side);
    return [
      side.name,
      num(medianOf(side, "rps")),
      ms(medianOf(side, "p50")),
      ms(medianOf(side, "p99")),
      `${num(all.cpuMsPerResponse, 2)} ms`,
      num(all.responses),
      refused(all.statuses),
      num(all.errors),
    ];
  }),
]);
const each = (values: readonly number[]) => values.map(percent).join(", ");
for (const side of gateways) {
  const [toStateless, toDurable] = [ratios(side, stateless), ratios(side, durable)];
  console.log(
    `${side.name}: ${percent(toStateless.median)} of the stateless floor (rounds: ${each(toStateless.each)}), ` +
      `${percent(toDurable.median)} of the durable floor (rounds: ${each(toDurable.each)}); ` +
      `p99 ${ms(medianOf(side, "p99"))} beside the floors' ${ms(medianOf(stateless, "p99"))} and ${ms(medianOf(durable, "p99"))}`,
  );
}
/** A floor that is not a target, beside the others: its share of the stateless (and durable) floor, the gateway's of it. */
function describeFloor(name: string, floor: Side, { withDurable = false } = {}) {
  const [share, gateway] = [ratios(floor, stateless), ratios(judged, floor)];
  console.log(
    `${name}: ${percent(share.median)} of the stateless floor (rounds: ${each(share.each)})` +
      `${withDurable ? `, ${percent(ratios(floor, durable).median)} of the durable floor` : ""}; ` +
      `the gateway ${percent(gateway.median)} of it (rounds: ${each(gateway.each)})`,
  );
  return { share: share.median, gateway: gateway.median };
}
const trpcFloor = describeFloor("tRPC floor", trpc);
const trpcDurableFloor = describeFloor("tRPC durable floor", trpcDurable, { withDurable: true });
// Each connection waits for its answer before it sends again, so latency is connections / throughput.
console.log(`latency: ${shape.connections} connections kept busy wait about connections ÷ throughput, so p99 is read beside the floors'`);
// Throughput follows the share of the machine a Worker gets; its CPU per response does not, on a busy machine.
const cpuRatio = (floor: Side) => total(floor).cpuMsPerResponse / total(judged).cpuMsPerResponse;
console.log(
  `CPU per response (workerd's runtime and proxy; the gateway's includes its delivery in the background): ` +
    `the stateless floor's is ${percent(cpuRatio(stateless))} of the gateway's, the tRPC floor's ${percent(cpuRatio(trpc))}, ` +
    `the durable floor's ${percent(cpuRatio(durable))}, the tRPC durable floor's ${percent(cpuRatio(trpcDurable))}`,
);
for (const side of gateways) {
  const sum = (field: Parameters<typeof outboxTotal>[1]) => num(outboxTotal(side, field));
  console.log(
    `${side.name}: the simulator, receiving the deals as Calltouch on the same machine, used ${num(median(side.gateway!.simulatorMs), 2)} ms ` +
      `of CPU per gateway response besides (median round); its outboxes right after the loads: ${sum("queued")} queued, ` +
      `${sum("inFlight")} in flight, ${sum("delivered")} delivered, ${sum("dead")} dead`,
  );
}

const vsStateless = ratios(judged, stateless).median;
const vsDurable = ratios(judged, durable).median;
const failures: string[] = [];
if (vsStateless < MIN_STATELESS_RATIO) failures.push(`throughput ${percent(vsStateless)} of the stateless floor's`);
if (vsDurable < MIN_DURABLE_RATIO) failures.push(`throughput ${percent(vsDurable)} of the durable floor's`);
for (const side of gateways) {
  const dead = outboxTotal(side, "dead");
  if (dead > 0) failures.push(`${side.name}: ${num(dead)} changes dead`);
}
for (const side of sides) {
  const all = total(side);
  if (all.non2xx > 0 || all.errors > 0) {
    failures.push(
      `${side.name}: ${num(all.non2xx)} non-2xx (${refused(all.statuses)}) and ${num(all.errors)} errors: the benchmark is misconfigured`,
    );
  }
}
verdict(
  `gateway with its rate limiter in memory and no asset router ≥ ${percent(MIN_STATELESS_RATIO)} of the stateless floor's throughput and ` +
    `≥ ${percent(MIN_DURABLE_RATIO)} of the durable floor's, in the median round; no errors or non-2xx`,
  failures,
);
printResult("ingest", {
  vsStatelessFloor: vsStateless,
  vsDurableFloor: vsDurable,
  p99Ms: medianOf(judged, "p99"),
  vsTrpcFloor: trpcFloor.gateway,
  trpcFloorVsStateless: trpcFloor.share,
  vsTrpcDurableFloor: trpcDurableFloor.gateway,
  trpcDurableFloorVsStateless: trpcDurableFloor.share,
  // The same ratios with the local asset router in front: what this benchmark judged until it left the router out.
  vsStatelessFloorAssetRouter: ratios(withRouter, stateless).median,
  vsDurableFloorAssetRouter: ratios(withRouter, durable).median,
});
