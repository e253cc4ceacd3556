import type { SimulatorConfig } from "./config";

/** The fault a request gets, if any: `failNext` is a failure owed to the `failNext` counter. */
export type Fault = "failNext" | "failure" | "timeout" | undefined;

/**
 * Picks the fault for one request that passed auth and the limits. Two draws are taken every time, whatever
 * the config, so that a seeded run gives the same request the same draws even when the rates change.
 */
export function pickFault(config: SimulatorConfig, random: () => number): Fault {
  const failureDraw = random();
  const timeoutDraw = random();
  if (config.failNext > 0) return "failNext";
  if (failureDraw < config.failureRate) return "failure";
  if (timeoutDraw < config.timeoutRate) return "timeout";
  return undefined;
}

/** mulberry32: a tiny PRNG with a 32-bit state, enough to make rate-based faults repeat run to run. */
export function mulberry32(state: number): { value: number; next: number } {
  const next = (state + 0x6d2b79f5) | 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { value: ((t ^ (t >>> 14)) >>> 0) / 4294967296, next };
}
