/** When failed upstream requests are tried again, and how often. */
export interface RetrySchedule {
  /** The delay before the first retry; each further one doubles it. */
  baseMs: number;
  /** The longest delay between two attempts. */
  maxMs: number;
  /**
   * Failed attempts (no answer, a 5xx, an answer the gateway cannot read) after which a change is dead.
   * Throttling, a refusal of the credentials and time spent paused do not count.
   */
  maxAttempts: number;
}

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
