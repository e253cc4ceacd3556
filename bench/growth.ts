// Growth: what 1k, 10k and 100k queued deals cost the gateway, each size on fresh servers. Calltouch's limit is
// lifted (the simulator's `requestsPerSecond: null`, the gateway's CALLTOUCH_RPS at its maximum, 100), so that
// the gateway's own cost is measured, not Calltouch's 5 requests per second. Per size:
//   ingest    the deals accepted in calls of 1000, one call at a time, while Calltouch refuses the gateway's
//             token so that the outbox holds them all (it pauses at the first refusal);
//   storage   the outbox's SQLite database then, and again once all are delivered (delivered changes are
//             kept RETENTION_DAYS): its page count × page size, read from the Durable Object's file in the
//             gateway's wrangler state folder (the database's size as SQLite counts it, its log included);
//   delivery  from the operator's resume to the simulator's arrival of the last accepted request.
// Cost grows linearly when the time and bytes per deal of a size are within GROWTH_LIMIT of the best of the
// smaller sizes (fixed costs make the smallest size the dearest per deal, never the cheapest).
//
//   node bench/growth.ts [--sizes 1000,10000,100000]
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startDevServers } from "../test/e2e/dev-servers.ts";
import {
  type DeliveryStats,
  deals,
  ingest,
  type LoggedRequest,
  type SimulatorStats,
  settled,
  simulator,
  withDeliveryHeld,
} from "./lib/drive.ts";
import { step } from "./lib/progress.ts";
import { duration, num, printResult, printTable, verdict } from "./lib/report.ts";

const GROWTH_LIMIT = 1.5;

const { values: options } = parseArgs({ options: { sizes: { type: "string", default: "1000,10000,100000" } } });
const sizes = options.sizes.split(",").map(Number);

// node:sqlite is still experimental in Node 22; its one notice would only clutter the report.
const printWarning = process.listeners("warning");
process.removeAllListeners("warning");
process.on("warning", (warning) => {
  if (warning.name !== "ExperimentalWarning" || !warning.message.includes("SQLite")) for (const print of printWarning) print(warning);
});
const { DatabaseSync } = await import("node:sqlite");

/**
 * The size of the outbox's database in bytes: page count × page size, read (only) from the Durable Object's
 * SQLite file under the gateway's state folder while workerd has it open, its write-ahead log included (the
 * files' own sizes lag behind: the log is only folded into the database now and then).
 *
 * @example outboxBytes(servers.stateDir) // 36_372_480
 */
function outboxBytes(stateDir: string): number {
  const dir = join(stateDir, "gateway/v3/do/calltouch-gateway-Outbox");
  const files = readdirSync(dir).filter((name) => name.endsWith(".sqlite") && name !== "metadata.sqlite");
  if (files.length !== 1) throw new Error(`expected one Outbox database in ${dir}, found ${files.join(", ") || "none"}`);
  const db = new DatabaseSync(join(dir, files[0]!), { readOnly: true });
  try {
    const pages = db.prepare("PRAGMA page_count").get() as { page_count: number };
    const size = db.prepare("PRAGMA page_size").get() as { page_size: number };
    return pages.page_count * size.page_size;
  } finally {
    db.close();
  }
}

interface Measure {
  size: number;
  ingestMs: number;
  deliveryMs: number;
  queuedBytes: number;
  deliveredBytes: number;
  stats: DeliveryStats;
  simulator: SimulatorStats;
}

async function measure(size: number): Promise<Measure> {
  step(`${num(size)} deals: starting the gateway and the simulator`);
  const servers = await startDevServers({ set: { CALLTOUCH_RPS: "100" } });
  try {
    await simulator(servers.simulatorUrl, "PUT", "config", { requestsPerSecond: null });
    let ingestMs = 0;
    let queuedBytes = 0;
    const resumedAt = await withDeliveryHeld(servers, async () => {
      step(`${num(size)} deals: accepting them while delivery is held`);
      const started = Date.now();
      await ingest(servers.gatewayUrl, deals("growth", size));
      ingestMs = Date.now() - started;
      queuedBytes = outboxBytes(servers.stateDir);
    });
    // Each poll counts the outbox's rows, in the object that delivers: once a second keeps that out of the way.
    step(`${num(size)} deals: delivering`);
    const stats = await settled(servers.gatewayUrl, 1_800_000, 1000);
    const simulatorStats = await simulator<SimulatorStats>(servers.simulatorUrl, "GET", "stats");
    // Only the last entry: the whole log of 100k deals is tens of megabytes.
    const { requests } = await simulator<{ requests: LoggedRequest[] }>(
      servers.simulatorUrl,
      "GET",
      `requests?since=${simulatorStats.requests - 1}`,
    );
    const last = requests.at(-1);
    if (!last) throw new Error("Calltouch received no request");
    const deliveredBytes = outboxBytes(servers.stateDir);
    return { size, ingestMs, deliveryMs: last.at - resumedAt, queuedBytes, deliveredBytes, stats, simulator: simulatorStats };
  } finally {
    await servers.stop();
  }
}

const results: Measure[] = [];
for (const size of sizes) results.push(await measure(size));

const perDeal = {
  ingest: (m: Measure) => m.ingestMs / m.size,
  delivery: (m: Measure) => m.deliveryMs / m.size,
  queued: (m: Measure) => m.queuedBytes / m.size,
  delivered: (m: Measure) => m.deliveredBytes / m.size,
};
/** A size's cost per deal over the cheapest per-deal cost of the smaller sizes; 1.00 for the smallest. */
const growth = (cost: (m: Measure) => number, index: number) =>
  index === 0 ? 1 : cost(results[index]!) / Math.min(...results.slice(0, index).map(cost));

const mib = (bytes: number) => `${num(bytes / 1024 / 1024, 1)} MiB`;
/** A row of a total per size, and a row of its cost per deal (or per 1,000) with its growth. */
const rows = (what: string, total: (m: Measure) => string, unit: string, cost: (m: Measure) => number, show: (cost: number) => string) => [
  [what, ...results.map(total)],
  [`  ${unit} (growth)`, ...results.map((m, index) => `${show(cost(m))} (${num(growth(cost, index), 2)})`)],
];
console.log(
  "growth: Calltouch's limit lifted (simulator unlimited, CALLTOUCH_RPS 100); deals accepted in calls of 1000 while delivery is held, " +
    "then delivered; growth = cost per deal / the best of the smaller sizes",
);
printTable([
  ["queued deals", ...results.map((m) => num(m.size))],
  ...rows(
    "ingest",
    (m) => duration(m.ingestMs),
    "per 1,000 deals",
    perDeal.ingest,
    (ms) => duration(ms * 1000),
  ),
  ...rows(
    "delivery",
    (m) => duration(m.deliveryMs),
    "per 1,000 deals",
    perDeal.delivery,
    (ms) => duration(ms * 1000),
  ),
  ...rows(
    "outbox storage, all queued",
    (m) => mib(m.queuedBytes),
    "per deal",
    perDeal.queued,
    (bytes) => `${num(bytes)} B`,
  ),
  ...rows(
    "outbox storage, all delivered",
    (m) => mib(m.deliveredBytes),
    "per deal",
    perDeal.delivered,
    (bytes) => `${num(bytes)} B`,
  ),
  ["Calltouch requests", ...results.map((m) => num(m.simulator.requests))],
]);

const costs = {
  "ingest time": perDeal.ingest,
  "delivery time": perDeal.delivery,
  "storage queued": perDeal.queued,
  "storage delivered": perDeal.delivered,
};
const failures = results.flatMap((m, index) => [
  ...(m.stats.delivered !== m.size || m.simulator.orders !== m.size
    ? [`${num(m.size)}: ${m.stats.delivered} delivered, Calltouch holds ${m.simulator.orders}`]
    : []),
  ...(m.stats.dead > 0 ? [`${num(m.size)}: ${m.stats.dead} dead`] : []),
  ...Object.entries(costs)
    .filter(([, cost]) => growth(cost, index) > GROWTH_LIMIT)
    .map(([what, cost]) => `${num(m.size)}: ${what} per deal ${num(growth(cost, index), 2)}× the smaller sizes'`),
]);
verdict(
  `per-deal ingest time, delivery time and storage of each size ≤ ${GROWTH_LIMIT}× the best of the smaller sizes ` +
    "(linear growth); every deal delivered once",
  failures,
);
// The smallest size is the yardstick (1.00 by definition): the worst of the larger sizes, any cost.
const larger = results.slice(1).flatMap((_, index) => Object.values(costs).map((cost) => growth(cost, index + 1)));
printResult("growth", { worstGrowth: larger.length > 0 ? Math.max(...larger) : 1 });
