import type { SimulatorConfig } from "./config";

const SECOND_MS = 1000;

/**
 * Admissions in a sliding window: at most `limit` in any 1000 ms. Only admitted requests count, so a caller that
 * keeps hammering still gets `limit` requests through each second, as with a per-IP limiter. Kept in memory: the
 * window is one second long, so losing it when the idle Durable Object is evicted loses nothing.
 */
export class SlidingWindow {
  private admitted: number[] = [];

  /** Admits a request arriving at `now` (epoch ms) unless `limit` were admitted in the second before it. */
  tryAdmit(now: number, limit: number | null): boolean {
    if (limit === null) return true;
    this.admitted = this.admitted.filter((at) => at > now - SECOND_MS);
    if (this.admitted.length >= limit) return false;
    this.admitted.push(now);
    return true;
  }

  /** Forgets every admission. */
  clear(): void {
    this.admitted = [];
  }
}

/** The most of `times` (ascending epoch ms) that fall in any window of 1000 ms. */
export function maxInAnySecond(times: readonly number[]): number {
  let max = 0;
  let first = 0;
  times.forEach((at, last) => {
    while ((times[first] ?? at) <= at - SECOND_MS) first += 1;
    max = Math.max(max, last - first + 1);
  });
  return max;
}

/** The daily points spent so far; `day` is the Moscow date (Calltouch's own day) they were spent on. */
export interface PointsLedger {
  day: string;
  spent: number;
}

const MOSCOW_OFFSET_MS = 3 * 60 * 60 * 1000; // UTC+3 all year round since 2014

function moscowDay(now: number): string {
  return new Date(now + MOSCOW_OFFSET_MS).toISOString().slice(0, 10);
}

/** Points spent today, a new Moscow day starting from zero. */
export function spentToday(ledger: PointsLedger | undefined, now: number): number {
  return ledger?.day === moscowDay(now) ? ledger.spent : 0;
}

/** Whether the daily budget (`dailyPoints`, `null` = unlimited) cannot pay for one more request. */
export function budgetExhausted(ledger: PointsLedger | undefined, config: SimulatorConfig, now: number): boolean {
  return config.dailyPoints !== null && spentToday(ledger, now) + config.pointsPerRequest > config.dailyPoints;
}

/** The ledger after one successful request paid its points. */
export function spend(ledger: PointsLedger | undefined, config: SimulatorConfig, now: number): PointsLedger {
  return { day: moscowDay(now), spent: spentToday(ledger, now) + config.pointsPerRequest };
}
