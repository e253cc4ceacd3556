// CPU per call: what the gateway's own code costs for one call of `orders.create`, parsing its body,
// validating it with the contract's schema and compiling every order to Calltouch's JSON, for 1 and 100
// orders. Workers bill CPU, not wall time, and the free plan stops an invocation at 10 ms of it: the
// comparison is with that budget, and with a floor measured in the same run (JSON in and out of the same
// body, which no gateway can skip).
//
//   scripts/run bench:cpu            (node bench/cpu.ts [--time 2000] [--contract <dir>/contract/src/])
//
// --contract measures another checkout's contract (e.g. `git worktree add /tmp/before <commit>`, then
// `pnpm install` there) to record a before and an after.
//
// The contract remembers recent phones, and the UTC offset of each day it has formatted a date on (up to
// 4,096 days), so every call here brings phones the process has not seen and deals with dates of their own,
// unless the row says "repeated" (the same deals again: an update wave, a retried call) or "one date" (every
// deal on the same second, as the rows before 2026-11-30 measured). Dates of their own span eleven years,
// whose days the contract keeps once seen, as a long-lived isolate would; the row "days not seen" puts each
// deal on a day the contract has forgotten, as in an isolate's first calls. The target is judged on the
// row "100 orders".
//
// Before the contract sees a body, the door reads it as exact JSON (worker/src/access/body/json.ts: no
// duplicate key, no inexact number, no lone surrogate); a second table times that read for 100 and 1,000
// orders against `JSON.parse` alone, since a read that grew faster than the body once cost a 1,000-order
// call 100 ms.
import { parseArgs } from "node:util";
import { Bench } from "tinybench";
import { readJson } from "../worker/src/access/body/json.ts";
import { loadContract } from "./lib/contract.ts";
import { step } from "./lib/progress.ts";
import { num, printResult, printTable, verdict } from "./lib/report.ts";

const { values: flags } = parseArgs({ options: { time: { type: "string", default: "2000" }, contract: { type: "string" } } });
const TIME_MS = Number(flags.time);
const WARMUP_MS = 500;
const BUDGET_MS = 10;
const TARGET_100_MS = 0.7;

step("bundling the contract");
const contract = await loadContract(flags.contract);
const settings = { timeZone: "Europe/Moscow" };

/** Moscow's offset, which the memo's dates carry. */
const MOSCOW_MS = 3 * 3_600_000;

/** How far apart two deals' dates are: one after another, as deals of a CRM come. */
const SPACING = {
  /** 7,919 s, a prime, about 2.2 h: eleven deals a day. */
  ownDate: 7_919_000,
  /** A day and 7,919 s: no two deals on one day, and more days than the contract keeps. */
  unseenDay: 86_400_000 + 7_919_000,
  oneDate: 0,
};

/** The n-th deal's date, `spacing` after the one before. */
const dateOf = (n: number, spacing: number) =>
  `${new Date(Date.UTC(2021, 6, 19) + n * spacing + MOSCOW_MS).toISOString().slice(0, 19)}+03:00`;

/** A body of `size` orders of the memo's kind, each with a phone, an e-mail and a date `spacing` after the one before. */
function body(size: number, seed: number, spacing: number): string {
  const orders = Array.from({ length: size }, (_, index) => {
    const n = seed * size + index;
    return {
      orderNumber: `cpu-${n}`,
      orderDate: dateOf(n, spacing),
      status: "Запись",
      revenue: 1000 + (n % 97),
      phones: [`8 9${String(10 + (n % 90))} ${String(1_000_000 + (n % 8_999_999)).slice(0, 3)}-${String(n % 10_000).padStart(4, "0")}`],
      emails: [`client${n}@example.com`],
      tags: ["Тег1", "Тег2"],
    };
  });
  return JSON.stringify(size === 1 ? orders[0] : orders);
}

/** What the gateway's own code does with a call's body: the contract's parse at the door, its compile at delivery. */
function acceptCall(text: string): unknown[] {
  const call = contract.toCall(contract.ordersCreateInput.parse(JSON.parse(text)));
  const now = new Date();
  return call.orders.map((order) => contract.compileCreate(order, settings, now));
}

/** Bodies enough that a whole run never repeats a phone the contract still remembers. */
function pool(size: number, count: number, spacing = SPACING.ownDate): { next(): string } {
  const bodies = Array.from({ length: count }, (_, seed) => body(size, seed, spacing));
  let index = 0;
  return { next: () => bodies[index++ % bodies.length]! };
}

const cases = [
  { name: "1 order", size: 1, bodies: pool(1, 20_000) },
  { name: "100 orders", size: 100, bodies: pool(100, 400) },
  // As this benchmark ran before each deal got a date of its own: comparable with earlier results.
  { name: "100 orders, one date", size: 100, bodies: pool(100, 400, SPACING.oneDate) },
  { name: "100 orders, days not seen", size: 100, bodies: pool(100, 400, SPACING.unseenDay) },
  { name: "100 orders, repeated", size: 100, bodies: pool(100, 1) },
];

/**
 * The main thread's CPU time in milliseconds: what a Worker's request is billed (its garbage collection
 * pauses included, V8's background threads not), and what other processes on the machine do not inflate
 * the way they would wall time.
 */
function cpuMs(): number {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
}

const reads = [
  { name: "100 orders", bodies: pool(100, 400) },
  { name: "1,000 orders", bodies: pool(1000, 40) },
];

const bench = new Bench({ time: TIME_MS, warmupTime: WARMUP_MS, now: cpuMs });
for (const { name, bodies } of cases) {
  bench.add(`floor: JSON, ${name}`, () => JSON.stringify(JSON.parse(bodies.next())));
  bench.add(`gateway: ${name}`, () => acceptCall(bodies.next()));
}
for (const { name, bodies } of reads) {
  bench.add(`JSON.parse: ${name}`, () => JSON.parse(bodies.next()));
  bench.add(`readJson: ${name}`, () => readJson(bodies.next()));
}
// Each case names itself as it starts; the heartbeat of lib/progress.ts says how long it has run.
for (const task of bench.tasks) {
  task.addEventListener("warmup", () => step(`warming up ${task.name} (${WARMUP_MS} ms)`));
  task.addEventListener("start", () => step(`measuring ${task.name} (${TIME_MS} ms of CPU)`));
}
// Correct before fast: every case compiles to as many Calltouch orders as it has.
for (const { size, bodies } of cases) {
  if (acceptCall(bodies.next()).length !== size) throw new Error(`a call of ${size} did not compile to ${size} orders`);
}
for (const { name, bodies } of reads) {
  if (!readJson(bodies.next()).ok) throw new Error(`the door refused a body of ${name}`);
}
await bench.run();

const stats = new Map(
  bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== "completed") throw new Error(`${task.name}: ${result.state}`);
    return [task.name, { mean: result.latency.mean }];
  }),
);
const us = (ms: number) => num(ms * 1000, 0);

printTable([
  ["call", "floor µs", "gateway µs", "× floor", "% of 10 ms budget"],
  ...cases.map(({ name }) => {
    const floor = stats.get(`floor: JSON, ${name}`)!;
    const gateway = stats.get(`gateway: ${name}`)!;
    const share = (gateway.mean / BUDGET_MS) * 100;
    return [name, us(floor.mean), us(gateway.mean), num(gateway.mean / floor.mean, 1), num(share, 1)];
  }),
]);
printTable([
  ["the door's read", "JSON.parse µs", "readJson µs", "× JSON.parse"],
  ...reads.map(({ name }) => {
    const parse = stats.get(`JSON.parse: ${name}`)!;
    const read = stats.get(`readJson: ${name}`)!;
    return [name, us(parse.mean), us(read.mean), num(read.mean / parse.mean, 1)];
  }),
]);
// The thread's CPU clock advances in ticks of milliseconds: single samples are mostly 0 or a tick, so only
// the mean over thousands of calls is meaningful, and it is what the table shows.
console.log(
  `(mean main-thread CPU time per call, ${process.version}, zod's interpreted path as in Workers; tinybench, ${TIME_MS} ms per case)`,
);

const hundred = stats.get("gateway: 100 orders")!;
verdict(
  `100 new orders (each its own date) validated and compiled in under ${TARGET_100_MS} ms of CPU (mean), of the ${BUDGET_MS} ms budget`,
  [...(hundred.mean < TARGET_100_MS ? [] : [`100 orders took ${us(hundred.mean)} µs`])],
);
printResult("cpu", {
  us100: hundred.mean * 1000,
  us100OneDate: stats.get("gateway: 100 orders, one date")!.mean * 1000,
  us100UnseenDays: stats.get("gateway: 100 orders, days not seen")!.mean * 1000,
  readJsonUs100: stats.get("readJson: 100 orders")!.mean * 1000,
  readJsonUs1000: stats.get("readJson: 1,000 orders")!.mean * 1000,
});
