// Ingest: `orders.create` with one order per call from 64 concurrent clients for 30 s, on local workerd
// (`wrangler dev`), against a floor: a bare Hono route in the same runtime that only parses and validates
// the same body (bench/floor). Floor first, then the gateway, never side by side; prints req/s, p50,
// p99 and refusals of each, the gateway's ratio to the floor, the target, and PASS or FAIL (exit 1).
//
//   node bench/ingest.ts [--duration 30] [--connections 64] [--warmup 3]
//
// The gateway runs as `scripts/run dev` runs it (the example vars, the simulator playing Calltouch at its
// defaults), but for its per-key rate limit, raised so that one key may make every call. Each create is
// stored in the site's Outbox (SQLite) and answered with a `queued` receipt, while the outbox delivers to
// the simulator in the background, as it would in production.
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { memoExampleOrder } from "../contract/src/examples.ts";
import { startDevServers } from "../test/e2e/dev-servers.ts";
import { DEV_KEY, type DeliveryStats, query } from "./lib/drive.ts";
import { writeGatewayConfig } from "./lib/gateway-config.ts";
import { type LoadRequest, type LoadResult, load } from "./lib/load.ts";
import { startLocalWorker } from "./lib/local-worker.ts";
import { step } from "./lib/progress.ts";
import { num, printResult, printTable, verdict } from "./lib/report.ts";

const MIN_THROUGHPUT_RATIO = 0.7;
const MAX_P99_MS = 25;
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

const loading = (what: string) => `${what}: ${shape.warmupSeconds} s of warm-up, then ${shape.seconds} s of load`;

async function measureFloor(): Promise<LoadResult> {
  step("starting the floor (wrangler dev)");
  const floor = await startLocalWorker("bench/floor/wrangler.toml");
  try {
    const request = { url: `${floor.url}/trpc/orders.create`, headers: {}, body };
    await checkOne(request, (data) => (data as { valid?: boolean }).valid === true);
    step(loading("loading the floor"));
    return await load(request, shape);
  } finally {
    await floor.stop();
  }
}

async function measureGateway(): Promise<{ result: LoadResult; outbox: DeliveryStats }> {
  const dir = mkdtempSync(join(tmpdir(), "calltouch-gateway-bench-ingest-"));
  try {
    step("starting the gateway and the simulator (wrangler dev)");
    const servers = await startDevServers({ config: writeGatewayConfig(dir, KEY_RATE_LIMIT) });
    try {
      const request = { url: `${servers.gatewayUrl}/trpc/orders.create`, headers: { authorization: `Bearer ${DEV_KEY}` }, body };
      await checkOne(request, (data) => (data as { receipts?: { state: string }[] }).receipts?.[0]?.state === "queued");
      step(loading("loading the gateway"));
      const result = await load(request, shape);
      return { result, outbox: await query<DeliveryStats>(servers.gatewayUrl, "deliveries.stats") };
    } finally {
      await servers.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  `ingest: orders.create, one order per call, ${shape.connections} connections, ${shape.seconds} s each after ${shape.warmupSeconds} s of warm-up; ` +
    `local workerd (wrangler dev); ${availableParallelism()} CPUs, node ${process.version}`,
);
const floor = await measureFloor();
const gateway = await measureGateway();

const ms = (value: number) => `${num(value)} ms`;
const refused = (result: LoadResult) =>
  Object.entries(result.statuses)
    .map(([status, count]) => `${status}×${count}`)
    .join(" ") || "0";
printTable([
  ["", "req/s", "p50", "p99", "responses", "non-2xx", "errors"],
  ...(
    [
      ["floor (parse + validate)", floor],
      ["gateway orders.create", gateway.result],
    ] as const
  ).map(([name, result]) => [
    name,
    num(result.rps),
    ms(result.p50),
    ms(result.p99),
    num(result.responses),
    refused(result),
    num(result.errors),
  ]),
]);
const ratio = gateway.result.rps / floor.rps;
console.log(
  `gateway / floor: throughput ${num(ratio * 100, 1)} %, p50 ×${num(gateway.result.p50 / floor.p50, 1)}, p99 ×${num(gateway.result.p99 / floor.p99, 1)}`,
);
// Each connection waits for its answer before it sends again, so latency is connections / throughput.
console.log(
  `latency: ${shape.connections} connections kept busy answer within ${ms(MAX_P99_MS)} only above ` +
    `${num((shape.connections * 1000) / MAX_P99_MS)} req/s; the floor's p99 is ${ms(floor.p99)}`,
);
const { queued, inFlight, delivered, dead } = gateway.outbox;
console.log(
  `the gateway's outbox after the load: ${num(queued)} queued, ${num(inFlight)} in flight, ${num(delivered)} delivered, ${num(dead)} dead`,
);

const failures: string[] = [];
if (ratio < MIN_THROUGHPUT_RATIO) failures.push(`throughput ${num(ratio * 100, 1)} % of the floor's`);
if (gateway.result.p99 >= MAX_P99_MS) failures.push(`gateway p99 ${ms(gateway.result.p99)}`);
for (const [name, result] of [
  ["floor", floor],
  ["gateway", gateway.result],
] as const) {
  if (result.non2xx > 0 || result.errors > 0) {
    failures.push(
      `${name}: ${num(result.non2xx)} non-2xx (${refused(result)}) and ${num(result.errors)} errors: the benchmark is misconfigured`,
    );
  }
}
verdict(
  `gateway ≥ ${MIN_THROUGHPUT_RATIO * 100} % of the floor's throughput, gateway p99 < ${MAX_P99_MS} ms, no errors or non-2xx`,
  failures,
);
// The durable floor (one SQLite insert per call in a Durable Object) comes with group commit (issue 16).
printResult("ingest", { vsStatelessFloor: ratio, p99Ms: gateway.result.p99 });
