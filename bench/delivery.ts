// Delivery under Calltouch's limit: the simulator admits 5 requests per second, as Calltouch does, and the gateway
// delivers 10,000 deals (accepted in calls of 1000) in batches of 100, twice:
//   queued  all 10,000 are accepted first (Calltouch refuses the gateway's token meanwhile, so the outbox holds
//           them), then delivery starts: the pace of the delivery loop alone;
//   live    delivery runs while the 10 calls arrive, as in a CRM's bulk import: locally the gateway's Worker and
//           its Durable Object share one workerd process, so the calls' parsing competes with delivery.
// A naive forwarder (bench/naive-forwarder: one upstream request per deal, a throttled deal retried after 1 s up
// to 10 times) gets 200 deals by default, since at 5 deals per second 10,000 would take over half an hour. All are compared
// with the ceiling, 5 requests/s × 100 deals = 500 deals per second. Then several sites on the one egress
// (bench/lib/several-sites.ts): 5 sites with 2,000 deals each, queued, then delivered at once; their total
// against the ceiling, and each site's share of what was delivered while all had work against a fair share.
//
// Delivery time: from the simulator's arrival of a side's first upstream request to that of its last accepted
// one, plus one slot of 1/5 s (N requests at exactly 5 per second take N/5 s: the ceiling takes 20.0 s for
// 10,000 deals). Deals per second = distinct deals Calltouch accepted / delivery time.
//
//   node bench/delivery.ts [--deals 10000] [--naive-deals 200] [--naive-callers 10] [--sites 5] [--site-deals 2000]
import { parseArgs } from "node:util";
import type { CalltouchCreateOrder } from "@calltouch-gateway/contract";
import { type DevServers as Servers, startDevServers } from "../test/e2e/dev-servers.ts";
import {
  compiled,
  type DeliveryStats,
  deals,
  ingest,
  type LoggedRequest,
  settled,
  simulator,
  type Tally,
  withDeliveryHeld,
} from "./lib/drive.ts";
import { describeFlushTimes, type FlushTimes, flushTimes } from "./lib/flush-times.ts";
import { type LocalWorker, startLocalWorker } from "./lib/local-worker.ts";
import { step } from "./lib/progress.ts";
import { duration, num, printResult, printTable, verdict } from "./lib/report.ts";
import { runSeveralSites } from "./lib/several-sites.ts";
import { percentile } from "./lib/stats.ts";

/** The naive forwarder (`bench/naive-forwarder`) under `wrangler dev`, sending to `calltouchUrl`. */
function startNaiveForwarder(calltouchUrl: string): Promise<LocalWorker> {
  return startLocalWorker("bench/naive-forwarder/wrangler.toml", ["--var", `CALLTOUCH_BASE_URL:${calltouchUrl}`]);
}

const CALLTOUCH_RPS = 5;
const BATCH_SIZE = 100;
const CEILING = CALLTOUCH_RPS * BATCH_SIZE;
const TARGET = 0.95;
/** Of a fair share (all deals delivered while every site had work ÷ sites), the least each site must get. */
const MIN_SITE_SHARE = 0.9;
const SLOT_MS = 1000 / CALLTOUCH_RPS;

const { values: options } = parseArgs({
  options: {
    deals: { type: "string", default: "10000" },
    "naive-deals": { type: "string", default: "200" },
    "naive-callers": { type: "string", default: "10" },
    sites: { type: "string", default: "5" },
    "site-deals": { type: "string", default: "2000" },
  },
});
const gatewayDeals = Number(options.deals);
const naiveDeals = Number(options["naive-deals"]);
const naiveCallers = Number(options["naive-callers"]);
const siteCount = Number(options.sites);
const siteDeals = Number(options["site-deals"]);

/** What one side achieved, read from the simulator's request log. */
interface Run extends Tally {
  /** From the first deal handed to the side to its last accepted upstream request. */
  endToEndMs: number;
  /** Milliseconds between consecutive upstream arrivals, sorted. */
  gaps: number[];
  /** Milliseconds from each upstream arrival to the fifth after it, sorted: 1000 at the ceiling. */
  cycles: number[];
}

function summarize(log: readonly LoggedRequest[], sent: number, startedAt: number): Run {
  const accepted = new Map<string, number>();
  for (const request of log.filter((entry) => entry.outcome === "ok")) {
    const items = (request.response as { data: { orders: { orderNumber: string; calltouchOrderId?: number }[] } }).data.orders;
    for (const item of items) {
      if (item.calltouchOrderId !== undefined) accepted.set(item.orderNumber, (accepted.get(item.orderNumber) ?? 0) + 1);
    }
  }
  const first = log[0];
  const lastOk = log.findLast((entry) => entry.outcome === "ok");
  if (!first || !lastOk) throw new Error("Calltouch accepted no request");
  return {
    sent,
    delivered: accepted.size,
    duplicates: [...accepted.values()].filter((times) => times > 1).length,
    requests: log.length,
    throttled: log.filter((entry) => entry.outcome === "throttled").length,
    deliveryMs: lastOk.at - first.at + SLOT_MS,
    endToEndMs: lastOk.at - startedAt,
    gaps: log
      .slice(1)
      .map((entry, index) => entry.at - log[index]!.at)
      .sort((a, b) => a - b),
    cycles: log
      .slice(CALLTOUCH_RPS)
      .map((entry, index) => entry.at - log[index]!.at)
      .sort((a, b) => a - b),
  };
}

async function requestLog(simulatorUrl: string): Promise<LoggedRequest[]> {
  return (await simulator<{ requests: LoggedRequest[] }>(simulatorUrl, "GET", "requests")).requests;
}

interface GatewayRun extends Run {
  stats: DeliveryStats;
  times: FlushTimes;
}

/** 10,000 deals accepted while delivery is held, then delivered; the clock starts when delivery may start. */
async function runQueued(servers: Servers): Promise<GatewayRun> {
  step(`gateway queued: accepting ${num(gatewayDeals)} deals while delivery is held`);
  const logsFrom = servers.logs().length;
  const resumedAt = await withDeliveryHeld(servers, () => ingest(servers.gatewayUrl, deals("queued", gatewayDeals)));
  step("gateway queued: delivering");
  const stats = await settled(servers.gatewayUrl, 600_000);
  const times = flushTimes(servers.logs().slice(logsFrom));
  return { ...summarize(await requestLog(servers.simulatorUrl), gatewayDeals, resumedAt), stats, times };
}

/** 10,000 deals delivered while they are being accepted; the clock starts with the first call. */
async function runLive(servers: Servers): Promise<GatewayRun & { ingestMs: number }> {
  await simulator(servers.simulatorUrl, "DELETE", "requests");
  step(`gateway live: accepting ${num(gatewayDeals)} deals while delivering them`);
  const logsFrom = servers.logs().length;
  const startedAt = Date.now();
  await ingest(servers.gatewayUrl, deals("live", gatewayDeals));
  const ingestMs = Date.now() - startedAt;
  step("gateway live: delivering the rest");
  const stats = await settled(servers.gatewayUrl, 600_000);
  const times = flushTimes(servers.logs().slice(logsFrom));
  return { ...summarize(await requestLog(servers.simulatorUrl), gatewayDeals, startedAt), ingestMs, stats, times };
}

async function runNaive(simulatorUrl: string, orders: readonly CalltouchCreateOrder[]): Promise<Run> {
  step(`naive forwarder: ${num(orders.length)} deals, one request each`);
  const naive = await startNaiveForwarder(simulatorUrl);
  try {
    const startedAt = Date.now();
    let next = 0;
    // Each caller (a CRM's webhook, a form) hands over its next deal once the last one was answered.
    await Promise.all(
      Array.from({ length: naiveCallers }, async () => {
        while (next < orders.length) {
          const order = orders[next++]!;
          await (await fetch(naive.url, { method: "POST", body: JSON.stringify(order) })).arrayBuffer();
        }
      }),
    );
    return summarize(await requestLog(simulatorUrl), orders.length, startedAt);
  } finally {
    await naive.stop();
  }
}

const dealsPerSecond = (run: Run) => run.delivered / (run.deliveryMs / 1000);
const perThousand = (run: Run) => (run.requests / run.delivered) * 1000;

step("starting the gateway and the simulator (wrangler dev)");
// At `log`, so that the gateway's `flush` lines tell where each cycle went (`lib/flush-times.ts`).
const servers = await startDevServers({ logLevel: "log" });
try {
  const { simulatorUrl, gatewayUrl } = servers;
  await simulator(simulatorUrl, "DELETE", "config");
  const config = await simulator<{ requestsPerSecond: number | null }>(simulatorUrl, "GET", "config");
  if (config.requestsPerSecond !== CALLTOUCH_RPS) {
    throw new Error(`the simulator admits ${config.requestsPerSecond} requests/s, not ${CALLTOUCH_RPS}`);
  }
  // The same kind of deals for every side, in Calltouch's shape for the forwarder, compiled by the gateway.
  const naiveOrders = await compiled(gatewayUrl, deals("naive", naiveDeals));

  const queued = await runQueued(servers);
  const live = await runLive(servers);
  await simulator(simulatorUrl, "DELETE", "requests");
  const naive = await runNaive(simulatorUrl, naiveOrders);
  const several = await runSeveralSites({ count: siteCount, dealsPerSite: siteDeals, slotMs: SLOT_MS });

  console.log(
    `delivery: Calltouch (the simulator) admits ${CALLTOUCH_RPS} requests/s. Gateway: ${num(gatewayDeals)} deals in calls of 1000, ` +
      `batches of ${BATCH_SIZE}; queued = all accepted before delivery starts, live = delivered while accepted. Naive forwarder: ` +
      `${num(naiveDeals)} deals (--naive-deals), one request each, from ${naiveCallers} callers at once, ` +
      "a 429 retried after 1 s up to 10 times.",
  );
  const ratio = (run: Run) => dealsPerSecond(run) / CEILING;
  const columns = (cell: (run: Run) => string) => [cell(queued), cell(live), cell(naive)];
  printTable([
    ["", "gateway queued", "gateway live", "naive forwarder", "ceiling"],
    ["deals sent", ...columns((run) => num(run.sent)), ""],
    ["deals lost", ...columns((run) => num(run.sent - run.delivered)), "0"],
    ["upstream requests", ...columns((run) => num(run.requests)), num(gatewayDeals / BATCH_SIZE)],
    ["  refused for rate", ...columns((run) => num(run.throttled)), "0"],
    ["requests per 1,000 deals", ...columns((run) => num(perThousand(run), 1)), num(1000 / BATCH_SIZE, 1)],
    ["delivery time", ...columns((run) => duration(run.deliveryMs)), duration((gatewayDeals / CEILING) * 1000)],
    ["deals per second", ...columns((run) => num(dealsPerSecond(run), 1)), num(CEILING, 1)],
    ["ratio to the ceiling", ...columns((run) => num(ratio(run), 3)), "1.000"],
  ]);
  const endToEnd = live.delivered / (live.endToEndMs / 1000);
  console.log(
    `gateway queued vs naive: ${num(dealsPerSecond(queued) / dealsPerSecond(naive), 0)}× the deals per second, ` +
      `${num(perThousand(naive) / perThousand(queued), 0)}× fewer upstream requests per deal. ` +
      `Live, from the first call: ${duration(live.endToEndMs)} (${num(endToEnd, 1)} deals/s, ` +
      `${num(endToEnd / CEILING, 3)} of the ceiling; ` +
      `its ${Math.ceil(gatewayDeals / 1000)} calls took ${duration(live.ingestMs)}).`,
  );
  for (const [name, run] of [
    ["queued", queued],
    ["live", live],
  ] as const) {
    console.log(
      `gateway ${name}: from a request's arrival to the ${CALLTOUCH_RPS}th after it median ${percentile(run.cycles, 0.5)} ms, ` +
        `p95 ${percentile(run.cycles, 0.95)} ms (1000 at the ceiling); gaps between requests median ${percentile(run.gaps, 0.5)} ms, ` +
        `max ${run.gaps.at(-1) ?? 0} ms; outbox ${num(run.stats.delivered)} delivered, ${run.stats.dead} dead`,
    );
    console.log(describeFlushTimes(`gateway ${name}`, run.times));
  }

  const multiSiteRatio = several.delivered / (several.deliveryMs / 1000) / CEILING;
  const minSiteShare = Math.min(...several.sites.map((site) => site.share));
  console.log(
    `several sites, one egress: ${siteCount} sites with ${num(siteDeals)} deals each, queued, then delivered at once; ` +
      `${num(several.requests)} upstream requests, ${several.throttled} refused for rate, ${num(several.sent - several.delivered)} deals lost, ` +
      `${several.duplicates} delivered twice; ${duration(several.deliveryMs)} (${num(several.delivered / (several.deliveryMs / 1000), 1)} deals/s, ` +
      `${num(multiSiteRatio, 3)} of the ceiling); every site had work for the first ${duration(several.windowMs)}`,
  );
  console.log(describeFlushTimes(`${siteCount} sites`, several.times));
  printTable([
    ["site", "deals delivered", "while all had work", "of a fair share"],
    ...several.sites.map((site) => [site.siteId, num(site.delivered), num(site.inWindow), num(site.share, 3)]),
  ]);

  const failures = [["queued", queued] as const, ["live", live] as const].flatMap(([name, run]) => [
    ...(run.throttled > 0 ? [`gateway ${name}: ${run.throttled} requests refused for rate`] : []),
    ...(run.delivered !== gatewayDeals ? [`gateway ${name}: ${run.delivered} of ${gatewayDeals} deals delivered`] : []),
    ...(run.duplicates > 0 ? [`gateway ${name}: ${run.duplicates} deals accepted twice`] : []),
  ]);
  if (ratio(queued) < TARGET) failures.unshift(`gateway queued at ${num(ratio(queued), 3)} of the ceiling`);
  if (ratio(live) < TARGET) failures.unshift(`gateway live at ${num(ratio(live), 3)} of the ceiling`);
  if (live.stats.dead > 0) failures.push(`${live.stats.dead} dead changes`);
  if (multiSiteRatio < TARGET) failures.push(`${siteCount} sites at ${num(multiSiteRatio, 3)} of the ceiling`);
  if (minSiteShare < MIN_SITE_SHARE) failures.push(`a site got ${num(minSiteShare, 3)} of a fair share`);
  if (several.throttled > 0) failures.push(`${siteCount} sites: ${several.throttled} requests refused for rate`);
  if (several.delivered !== several.sent || several.duplicates > 0) {
    failures.push(`${siteCount} sites: ${several.delivered} of ${several.sent} deals delivered, ${several.duplicates} twice`);
  }
  const dead = several.stats.reduce((sum, stats) => sum + stats.dead, 0);
  if (dead > 0) failures.push(`${siteCount} sites: ${dead} dead changes`);
  verdict(
    `gateway queued and live ≥ ${TARGET * 100} % of the ceiling (≥ ${CEILING * TARGET} deals/s); ${siteCount} sites together the same, ` +
      `each ≥ ${MIN_SITE_SHARE * 100} % of a fair share while all have work; no gateway request refused for rate; every deal delivered exactly once`,
    failures,
  );
  printResult("delivery", {
    queuedRatio: ratio(queued),
    liveRatio: ratio(live),
    multiSiteRatio,
    minSiteShare,
    answerMsMedian: percentile(queued.times.answerMs, 0.5),
    slotLagMsMedian: percentile(queued.times.slotLagMs, 0.5),
  });
} finally {
  await servers.stop();
}
