import type { RetrySchedule } from "../settings";

/**
 * The delay before attempt `attempts + 1`: exponential from `baseMs`, capped at `maxMs`, with "equal
 * jitter" (half fixed, half random) so that changes that failed together do not retry in lockstep.
 *
 * @example retryDelay(3, { baseMs: 1000, maxMs: 60_000, maxAttempts: 400 }) // between 2000 and 4000
 */
export function retryDelay(attempts: number, schedule: RetrySchedule, random: () => number = Math.random): number {
  const ceiling = Math.min(schedule.maxMs, schedule.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
