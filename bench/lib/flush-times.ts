// Where a delivery cycle goes, read from the gateway's `flush` log lines (worker/src/outbox/flush.ts): each
// request's answer time L (from the request leaving to its answer) and the lag from its slot's opening at the
// egress to the request leaving. The egress counts each send from its answer, so five requests take at best
// 1000 ms + L: the rule allows 1000 / (1000 + L) of the ceiling, and the lag is what the gateway adds.

import { percentile } from "./stats.ts";

/** The figures of the `flush` lines in `logs` whose request Calltouch answered with results, each list sorted. */
export interface FlushTimes {
  answerMs: number[];
  slotLagMs: number[];
  /** From a site's last answer to its next request leaving, and the part of it the window held the slot. */
  gapMs: number[];
  heldMs: number[];
  /** The simulator's own time on each Calltouch request, as its wrangler logs it: the part of L that is Calltouch's. */
  simulatorMs: number[];
}

// Anywhere in a line: the dev servers prefix each Worker's lines with its name.
const FLUSH_LINE = /\{"level":"\w+","message":"flush",.*\}/g;
// Wrangler's line for each request it served, e.g. `POST /lead-service/v1/api/client-order/create 200 OK (44ms)`.
const SIMULATOR_LINE = /POST \/lead-service\/\S+ 200 [^(\n]*\((\d+)ms\)/g;

/**
 * The answer times and slot lags of every request the gateway logged in `logs` (its printed output).
 *
 * @example const { answerMs, slotLagMs } = flushTimes(servers.logs().slice(from));
 */
export function flushTimes(logs: string): FlushTimes {
  const lines = (logs.match(FLUSH_LINE) ?? [])
    .map((line) => JSON.parse(line) as { outcome?: string; latencyMs?: number; slotLagMs?: number; gapMs?: number; heldMs?: number })
    .filter((line) => line.outcome === "results");
  const sorted = (values: (number | undefined)[]) => values.filter((value) => value !== undefined).sort((a, b) => a - b);
  return {
    answerMs: sorted(lines.map((line) => line.latencyMs)),
    slotLagMs: sorted(lines.map((line) => line.slotLagMs)),
    gapMs: sorted(lines.map((line) => line.gapMs)),
    heldMs: sorted(lines.map((line) => line.heldMs)),
    simulatorMs: sorted([...logs.matchAll(SIMULATOR_LINE)].map((match) => Number(match[1]))),
  };
}

/**
 * One line on where the cycles of a run went.
 *
 * @example describeFlushTimes("gateway queued", times) // "gateway queued: answer time L median 31 ms, p95 48 ms ..."
 */
export function describeFlushTimes(name: string, { answerMs, slotLagMs, gapMs, heldMs, simulatorMs }: FlushTimes): string {
  const median = percentile(answerMs, 0.5);
  const spread = (sorted: readonly number[]) => `median ${percentile(sorted, 0.5)} ms, p95 ${percentile(sorted, 0.95)} ms`;
  return (
    `${name}: ${answerMs.length} requests; answer time L ${spread(answerMs)} ` +
    `(the rule allows ${(1000 / (1000 + median)).toFixed(3)} of the ceiling at the median L), ` +
    `the simulator's own part ${spread(simulatorMs)}; ` +
    `slot open → request leaves ${spread(slotLagMs)}, max ${slotLagMs.at(-1) ?? 0} ms; ` +
    `a site's answer → its next request leaves ${spread(gapMs)}, of which the window held it ${spread(heldMs)}`
  );
}
