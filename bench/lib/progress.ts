// A line on stderr at least every 5 s while a benchmark runs, so that a long step (a 30 s load, 10,000 deals
// on their way, seconds of CPU-bound measuring) never looks like a hang. report.ts imports this module and
// every benchmark imports report.ts, so the heartbeat starts with the process. It beats in a worker thread
// that writes to stderr itself: a benchmark that keeps the main thread busy (bench:cpu) would hold back a
// timer or a write of the main thread. stdout stays the benchmark's own table.
import { Worker } from "node:worker_threads";

const heartbeat = new Worker(
  `
  const { parentPort } = require("node:worker_threads");
  const { writeSync } = require("node:fs");
  const seconds = (ms) => Math.round(ms / 1000) + " s";
  const started = Date.now();
  let state = { step: "running", since: started, detail: "" };
  parentPort.on("message", (change) => (state = { ...state, ...change }));
  setInterval(() => {
    const now = Date.now();
    const detail = state.detail ? ", " + state.detail : "";
    writeSync(2, "[bench " + seconds(now - started) + "] " + state.step + ": " + seconds(now - state.since) + detail + "\\n");
  }, ${5000});
  `,
  { eval: true },
);
// The process ends when the benchmark does, whatever the heartbeat is doing.
heartbeat.unref();

/**
 * Names the step that runs from now on; the heartbeat says it, with its time, until the next one.
 *
 * @example step("gateway: 10,000 deals queued, then delivered");
 */
export function step(name: string): void {
  process.stderr.write(`[bench] ${name}\n`);
  heartbeat.postMessage({ step: name, since: Date.now(), detail: "" });
}

/**
 * What the running step knows of its own progress, for the next heartbeat.
 *
 * @example note(`${stats.delivered} delivered, ${stats.queued} queued`);
 */
export function note(text: string): void {
  heartbeat.postMessage({ detail: text });
}
