// The console with 100,000 stored changes: how long each view takes to answer, from a signed-in browser's
// request to the last byte, against the target of 300 ms. The gateway starts as `scripts/run dev` starts it
// (scripts/dev.mjs, free ports, a state folder of its own) and gets, through its API: 2,000 deals delivered,
// 2,000 dead of two reasons, and 96,000 queued behind a pause (Calltouch refuses the token meanwhile).
//
//   node bench/console.ts [--changes 100000] [--rounds 20]
import { parseArgs } from "node:util";
import { startDevServers } from "../test/e2e/dev-servers.ts";
import { DEV_KEY, deals, ingest, settled, simulator } from "./lib/drive.ts";
import { duration, num, printTable, verdict } from "./lib/report.ts";
import { percentile } from "./lib/stats.ts";

const { values: flags } = parseArgs({
  options: { changes: { type: "string", default: "100000" }, rounds: { type: "string", default: "20" } },
});
const CHANGES = Number(flags.changes);
const ROUNDS = Number(flags.rounds);
const TARGET_MS = 300;
const SETTLED = 2000;
const DEAD = 2000;
/** The queued deal the searches look for: `--changes` must leave room for it beside the settled and dead ones. */
const SOUGHT = 5000;
if (!(CHANGES > SETTLED + DEAD + SOUGHT)) {
  console.error(
    `--changes must be more than ${SETTLED + DEAD + SOUGHT}: ${SETTLED} delivered, ${DEAD} dead, and queued-${SOUGHT} to search for`,
  );
  process.exit(2);
}

const servers = await startDevServers();
try {
  const { gatewayUrl, simulatorUrl } = servers;
  console.error(`storing ${num(CHANGES)} changes…`);
  await simulator(simulatorUrl, "PUT", "config", {
    rejectOrders: [
      { orderNumberPattern: "^dead-[0-9]*[02468]$", error: 'Order "{orderNumber}" has an unknown status' },
      { orderNumberPattern: "^dead-", error: 'Order "{orderNumber}": the manager is not found' },
    ],
  });
  await ingest(gatewayUrl, [...deals("sent", SETTLED), ...deals("dead", DEAD)]);
  await settled(gatewayUrl, 300_000);
  const { accessToken } = await simulator<{ accessToken: string }>(simulatorUrl, "GET", "config");
  await simulator(simulatorUrl, "PUT", "config", { accessToken: `${accessToken}-refused-while-the-bench-runs` });
  await ingest(gatewayUrl, deals("queued", CHANGES - SETTLED - DEAD));

  const signIn = await fetch(`${gatewayUrl}/console/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { origin: gatewayUrl, "sec-fetch-site": "same-origin", "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ key: DEV_KEY }),
  });
  if (signIn.status !== 303) throw new Error(`sign-in answered ${signIn.status}`);
  const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;

  const reason = encodeURIComponent('Order "…" has an unknown status');
  // The sought deal's phone (`deals` in lib/drive.ts) as a person types it: 8 915 000 50 00.
  const digits = String(SOUGHT).padStart(7, "0");
  const soughtPhone = `8 915 ${digits.slice(0, 3)} ${digits.slice(3, 5)} ${digits.slice(5)}`;
  const views: [string, string, string][] = [
    ["overview", "/console", "Сайт 12345"],
    ["dead letters by reason", "/console/sites/12345/dead", "the manager is not found"],
    ["one reason's letters", `/console/sites/12345/dead/letters?reason=${reason}`, "dead-98"],
    ["find a deal by number", `/console/deals?site=12345&q=queued-${SOUGHT}`, `Сделка queued-${SOUGHT}`],
    ["find a deal by phone", `/console/deals?site=12345&q=${encodeURIComponent(soughtPhone)}`, `Сделка queued-${SOUGHT}`],
    ["keys", "/console/keys", "dev-admin"],
  ];
  const rows: string[][] = [["view", "median", "p95", "max", "bytes"]];
  const result: Record<string, { medianMs: number; p95Ms: number }> = {};
  const failures: string[] = [];
  for (const [name, path, expected] of views) {
    const times: number[] = [];
    let bytes = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const started = performance.now();
      const response = await fetch(`${gatewayUrl}${path}`, { headers: { cookie } });
      const text = await response.text();
      times.push(performance.now() - started);
      if (response.status !== 200 || !text.includes(expected)) throw new Error(`${path} answered ${response.status} without "${expected}"`);
      bytes = text.length;
    }
    times.sort((a, b) => a - b);
    const [median, p95] = [percentile(times, 0.5), percentile(times, 0.95)];
    rows.push([name, duration(median), duration(p95), duration(times.at(-1)!), num(bytes)]);
    result[name] = { medianMs: Math.round(median), p95Ms: Math.round(p95) };
    if (p95 >= TARGET_MS) failures.push(`${name}: p95 ${duration(p95)}`);
    console.error(`${name}: median ${duration(median)}`);
  }
  console.log(`\nThe console with ${num(CHANGES)} stored changes, ${ROUNDS} requests per view (${gatewayUrl}):\n`);
  printTable(rows);
  verdict(`every view's p95 < ${TARGET_MS} ms`, failures);
  console.log(
    `RESULT ${JSON.stringify({ bench: "console", changes: CHANGES, rounds: ROUNDS, targetMs: TARGET_MS, views: result, pass: failures.length === 0 })}`,
  );
} finally {
  await servers.stop();
}
