/**
 * The upstream rate budget's arithmetic: at most `limit` sends in any window of `windowMs`, each counted
 * from its answer, plus a hold while Calltouch asked to slow down. Pure, so that the egress Durable Object
 * (`egress.ts`) only persists and schedules.
 *
 * Calltouch counts a request when it arrives, at a moment we cannot see between our send and its answer.
 * So a send occupies the window from its start until `windowMs` after its answer: no latency or jitter can
 * put more than `limit` arrivals in Calltouch's second. A send never answered (its sender stopped) counts
 * as answered at `start + inFlightMaxMs`, so a lost answer cannot block the budget for ever.
 */

/** One send: a ticket of the egress, when it started, and when its answer came back. */
export interface Send {
  ticket: number;
  start: number;
  answeredAt?: number;
}

/** What the window keeps across restarts. */
export interface WindowState {
  sends: Send[];
  /** No send starts before this: Calltouch asked to slow down. */
  notBefore: number;
  /** Slow-downs in a row without an answer in between; each doubles the next hold that has no `Retry-After`. */
  streak: number;
  nextTicket: number;
}

export interface WindowLimits {
  limit: number;
  windowMs: number;
  /** After this long without an answer a send counts as answered (the client's timeout, and a margin). */
  inFlightMaxMs: number;
  /** The first hold of a slow-down without `Retry-After`; each further one in a row doubles it. */
  slowDownBaseMs: number;
  /** The longest hold of a slow-down without `Retry-After`. */
  slowDownMaxMs: number;
}

/** A window that has sent nothing. */
export const EMPTY_WINDOW: WindowState = { sends: [], notBefore: 0, streak: 0, nextTicket: 1 };

/**
 * Start, answer and slow down sends within a budget.
 *
 * @example
 * const window = new SendWindow(limits, EMPTY_WINDOW);
 * if (window.delay(Date.now()) === 0) {
 *   const ticket = window.start(Date.now());
 *   // … send, then:
 *   window.answered(ticket, Date.now());
 * }
 */
export class SendWindow {
  private state: WindowState;

  constructor(
    private readonly limits: WindowLimits,
    state: WindowState,
  ) {
    this.state = { ...state, sends: state.sends.map((send) => ({ ...send })) };
  }

  /** A copy of the state, to persist. */
  snapshot(): WindowState {
    return { ...this.state, sends: this.state.sends.map((send) => ({ ...send })) };
  }

  /** When a send stops occupying the window; for one in flight, the latest it may. */
  private freeAt(send: Send): number {
    return (send.answeredAt ?? send.start + this.limits.inFlightMaxMs) + this.limits.windowMs;
  }

  /**
   * How long from `now` until the next send may start: 0 when it may now. A send in flight is counted as
   * if its answer came as late as it may, so the delay is an upper bound that an answer can shorten.
   */
  delay(now: number): number {
    const sends = (this.state.sends = this.state.sends.filter((send) => this.freeAt(send) > now));
    const hold = Math.max(0, this.state.notBefore - now);
    if (sends.length < this.limits.limit) return hold;
    const frees = sends.map((send) => this.freeAt(send)).sort((a, b) => a - b);
    return Math.max(hold, frees[sends.length - this.limits.limit]! - now);
  }

  /**
   * When the next send may start, when the answers already told decide it: `now` or later, never earlier
   * than the rule allows. `undefined` while it depends on a send still in flight, whose answer may come at
   * any time up to its in-flight limit. Lets the egress name a slot's moment before it opens.
   *
   * An answer still to come arrives at `now` or later, so a send in flight frees the window no sooner than
   * `now + windowMs`, and an answered one by then: an in-flight send cannot move a moment that answered
   * sends decide, except earlier (which only makes the moment named here a later one than needed).
   */
  opensAt(now: number): number | undefined {
    const hold = Math.max(now, this.state.notBefore);
    if (this.delay(now) === 0) return now;
    const { sends } = this.state;
    if (sends.length < this.limits.limit) return hold;
    const deciding = [...sends].sort((a, b) => this.freeAt(a) - this.freeAt(b))[sends.length - this.limits.limit]!;
    return deciding.answeredAt === undefined ? undefined : Math.max(hold, this.freeAt(deciding));
  }

  /** Whether a send may start at `now`. */
  open(now: number): boolean {
    return this.delay(now) === 0;
  }

  /** How long the slow-down hold lasts from `now`, if any. */
  held(now: number): number {
    return Math.max(0, this.state.notBefore - now);
  }

  /**
   * A send starts at `now` (or at the later moment `opensAt` named): it occupies the window until its
   * answer (and a window after). Answers its ticket.
   */
  start(now: number): number {
    const ticket = this.state.nextTicket++;
    this.state.sends.push({ ticket, start: now });
    return ticket;
  }

  /** The answer to `ticket` came at `at`. An unknown ticket (forgotten after `inFlightMaxMs`) counts from `at` too. */
  answered(ticket: number, at: number): void {
    const send = this.state.sends.find((candidate) => candidate.ticket === ticket);
    if (send) send.answeredAt = Math.max(send.answeredAt ?? 0, at);
    else this.state.sends.push({ ticket, start: at, answeredAt: at });
  }

  /** A slot granted as `ticket` was never used: it leaves the window as if it had not been granted. */
  release(ticket: number): void {
    this.state.sends = this.state.sends.filter((send) => send.ticket !== ticket);
  }

  /** Calltouch asked to slow down at `at`: hold every send for `retryAfterMs`, or for a hold that doubles in a row. */
  slowDown(at: number, retryAfterMs: number | undefined): void {
    const { slowDownBaseMs, slowDownMaxMs } = this.limits;
    const hold = retryAfterMs ?? Math.min(slowDownMaxMs, slowDownBaseMs * 2 ** this.state.streak);
    this.state.streak += 1;
    this.state.notBefore = Math.max(this.state.notBefore, at + hold);
  }

  /** An answer that was not a slow-down: the next one starts its doubling afresh. */
  calm(): void {
    this.state.streak = 0;
  }
}
