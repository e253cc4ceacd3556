// Idle while waiting: the CPU time of the gateway's workerd process while a change waits out a long backoff
// (a create failed with a 5xx, an update of the same deal queued behind it: issue 10's alarm loop), against
// the same process idle with nothing queued, in one run. Both Workers start as `scripts/run dev` starts them
// (scripts/dev.mjs, free ports, a state folder of their own); CPU comes from /proc (Linux only).
//
//   node bench/idle.ts [--seconds 60]
//
// The first retry is set to 300 s (RETRY_BASE_MS), so that the waiting window ends long before it.
import { parseArgs } from "node:util";
import { startDevServers } from "../test/e2e/dev-servers.ts";
import { type DeliveryStats, mutate, query, simulator } from "./lib/drive.ts";
import { cpuMs, workerdOf } from "./lib/proc.ts";
import { step } from "./lib/progress.ts";
import { duration, num, printResult, printTable, verdict } from "./lib/report.ts";

const { values: flags } = parseArgs({ options: { seconds: { type: "string", default: "60" } } });
const WINDOW_MS = Number(flags.seconds) * 1000;
/** Waiting may cost at most this much more CPU than idling: a timer and a few SQL reads, never a loop. */
const MAX_EXTRA_SHARE = 0.005;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU milliseconds the processes use during `ms`, and the number of upstream requests meanwhile. */
async function sample(pids: readonly number[], simulatorUrl: string, ms: number): Promise<{ cpuMs: number; requests: number }> {
  const total = () => pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
  const requestsNow = async () => (await simulator<{ requests: number }>(simulatorUrl, "GET", "stats")).requests;
  const [cpuBefore, requestsBefore] = [total(), await requestsNow()];
  await sleep(ms);
  return { cpuMs: total() - cpuBefore, requests: (await requestsNow()) - requestsBefore };
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(100)) if (await check()) return;
  throw new Error(`timed out waiting for ${what}`);
}

step("starting the gateway and the simulator (wrangler dev)");
const servers = await startDevServers({ set: { RETRY_BASE_MS: "300000", RETRY_MAX_MS: "600000" } });
try {
  const { gatewayUrl, simulatorUrl } = servers;
  const pids = workerdOf(Number(new URL(gatewayUrl).port));
  const stats = () => query<DeliveryStats>(gatewayUrl, "deliveries.stats");

  step("warming up: one deal delivered");
  // Warm up: the outbox exists and has delivered once.
  await mutate(gatewayUrl, "orders.create", { orders: [{ orderNumber: "idle-warm-up" }], wait: 10_000 });
  await sleep(2000);
  step(`idle, nothing queued: sampling CPU for ${duration(WINDOW_MS)}`);
  const idle = await sample(pids, simulatorUrl, WINDOW_MS);

  step("a create fails with a 500, an update queues behind it");
  // A create fails with a 5xx and backs off 150–300 s; an update of the same deal waits behind it.
  await simulator(simulatorUrl, "PUT", "config", { failNext: 1, failureStatus: 500 });
  await mutate(gatewayUrl, "orders.create", { orderNumber: "idle-backoff", status: "Новая" });
  await until(async () => (await simulator<{ failNext: number }>(simulatorUrl, "GET", "config")).failNext === 0, "the failed create");
  await mutate(gatewayUrl, "orders.update", { orderNumber: "idle-backoff", status: "Оплачено" });
  await until(async () => (await stats()).queued === 2, "two queued changes");
  await sleep(2000);
  step(`waiting out the backoff: sampling CPU for ${duration(WINDOW_MS)}`);
  const waiting = await sample(pids, simulatorUrl, WINDOW_MS);
  const after = await stats();

  const share = (cpu: number) => cpu / WINDOW_MS;
  printTable([
    ["gateway's workerd", "CPU", "share of a core", "upstream requests"],
    ["idle, nothing queued", duration(idle.cpuMs), `${num(100 * share(idle.cpuMs), 2)} %`, num(idle.requests)],
    ["waiting out a backoff", duration(waiting.cpuMs), `${num(100 * share(waiting.cpuMs), 2)} %`, num(waiting.requests)],
  ]);
  console.log(
    `over ${duration(WINDOW_MS)} each, processes ${pids.join(", ")}; the outbox after waiting: ${after.queued} queued, ${after.delivered} delivered, ${after.dead} dead`,
  );
  const failures = [
    ...(share(waiting.cpuMs) - share(idle.cpuMs) > MAX_EXTRA_SHARE
      ? [`waiting used ${num(100 * (share(waiting.cpuMs) - share(idle.cpuMs)), 2)} % of a core more than idling`]
      : []),
    ...(waiting.requests > 0 ? [`${waiting.requests} upstream requests while the change waited`] : []),
    ...(after.queued !== 2 ? [`${after.queued} changes queued after the window, not 2`] : []),
  ];
  verdict(`waiting costs at most ${num(100 * MAX_EXTRA_SHARE, 1)} % of a core more than idling, and sends nothing`, failures);
  printResult("idle", { extraCorePercent: 100 * (share(waiting.cpuMs) - share(idle.cpuMs)), waitingRequests: waiting.requests });
} finally {
  await servers.stop();
}
