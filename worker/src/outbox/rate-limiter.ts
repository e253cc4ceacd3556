/**
 * At most `limit` sends in any window of `windowMs`, each counted from when its answer came back (from its
 * start while it is in flight). Calltouch counts a request when it arrives, at a moment we cannot see between
 * our send and its answer; the answer is the only moment surely not earlier, so no latency or jitter on the
 * way can put more than `limit` arrivals in Calltouch's second. The price: each send's place comes free one
 * round trip later than if it counted from its start.
 *
 * @example
 * const limiter = new RateLimiter(5, 1000);
 * await scheduler.wait(limiter.delay(Date.now()));
 * const start = Date.now();
 * limiter.record(start);
 * await fetch(calltouchUrl, request);
 * limiter.answered(start, Date.now());
 */
export class RateLimiter {
  /** When each recent send counts from: its answer, or its start while it has none. */
  private sends: number[] = [];
  private notBefore = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    /** Sends of an earlier instance of the same site, so that a restart does not reset the count. */
    earlier: readonly number[] = [],
  ) {
    this.sends = [...earlier];
  }

  /** The sends still inside the window, to persist across restarts. */
  recent(now: number): number[] {
    return this.sends.filter((at) => now - at < this.windowMs);
  }

  /** How long to wait, from `now`, before the next send may start. */
  delay(now: number): number {
    const recent = (this.sends = this.recent(now));
    const windowWait = recent.length < this.limit ? 0 : recent[recent.length - this.limit]! + this.windowMs - now;
    return Math.max(0, windowWait, this.notBefore - now);
  }

  /** A send starts: it counts from `start` until its answer comes. */
  record(start: number): void {
    this.sends.push(start);
  }

  /** The answer to the send that started at `start` came at `at`: the send counts from then on. */
  answered(start: number, at: number): void {
    const index = this.sends.lastIndexOf(start);
    if (index >= 0) this.sends.splice(index, 1);
    this.sends.push(at);
    this.sends.sort((a, b) => a - b);
  }

  /** Sends nothing before `until`: Calltouch asked to slow down. */
  holdUntil(until: number): void {
    this.notBefore = Math.max(this.notBefore, until);
  }
}
