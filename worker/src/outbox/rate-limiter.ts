/**
 * At most `limit` sends in any window of `windowMs`, counted from when each send started. The window is
 * a little longer than Calltouch's second: Calltouch counts arrivals, which trail our starts by the
 * network's latency.
 *
 * @example
 * const limiter = new RateLimiter(5, 1050);
 * await scheduler.wait(limiter.delay(Date.now()));
 * limiter.record(Date.now());
 */
export class RateLimiter {
  private starts: number[] = [];
  private notBefore = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    /** Sends of an earlier instance of the same site, so that a restart does not reset the count. */
    earlier: readonly number[] = [],
  ) {
    this.starts = [...earlier];
  }

  /** The starts still inside the window, to persist across restarts. */
  recent(now: number): number[] {
    return this.starts.filter((start) => now - start < this.windowMs);
  }

  /** How long to wait, from `now`, before the next send may start. */
  delay(now: number): number {
    const recent = (this.starts = this.recent(now));
    const windowWait = recent.length < this.limit ? 0 : recent[recent.length - this.limit]! + this.windowMs - now;
    return Math.max(0, windowWait, this.notBefore - now);
  }

  record(start: number): void {
    this.starts.push(start);
  }

  /** Sends nothing before `until`: Calltouch asked to slow down. */
  holdUntil(until: number): void {
    this.notBefore = Math.max(this.notBefore, until);
  }
}
