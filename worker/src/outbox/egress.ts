import { DurableObject } from "cloudflare:workers";
import { log } from "../log";
import { readSettings } from "../settings";
import { EMPTY_WINDOW, SendWindow, type WindowLimits, type WindowState } from "./send-window";

/**
 * A send slot: granted with its ticket and its moment, or not now, with when to come back. A slot is
 * granted up to {@link GRANT_AHEAD_MS} before it opens, so that the sender prepares its request (stores
 * the attempt, builds the body) while it waits: it sends `waitMs` after the grant reached it, never sooner.
 * `at` is the moment by the egress's clock, for logs; `waitMs` is what a sender with another clock goes by
 * (the grant's travel only makes its send later).
 */
export type Grant = { granted: true; ticket: number; at: number; waitMs: number } | { granted: false; retryAt: number };

/** What the sender tells the egress of an answer. */
export interface Answered {
  ticket: number;
  at: number;
  /** Calltouch asked to slow down: every site waits, for `retryAfterMs` or a doubling hold. */
  slowDown?: { retryAfterMs?: number | undefined };
}

/**
 * Longest a sender is held waiting for a slot inside one call. A longer wait (a slow-down's hold) is
 * answered at once with when to come back, so that the outbox can sleep on an alarm instead.
 */
const MAX_HOLD_MS = 2_000;
/**
 * How long before a slot opens it is granted: enough for the grant to reach the sender and for the sender to
 * store the attempt durably (the output gate holds its fetch until then) and build the body, so that its
 * request leaves as the slot opens. Longer would pick a batch earlier than needed and keep a granted send
 * going through a slow-down that another site's answer starts meanwhile.
 */
const GRANT_AHEAD_MS = 100;
/** Added to the client's timeout before a send with no answer stops occupying the budget. */
const IN_FLIGHT_MARGIN_MS = 5_000;
const STATE_KEY = "window";

interface Waiter {
  site: string;
  resolve(grant: Grant): void;
}

/**
 * The one upstream rate budget of the gateway: Calltouch counts requests per source IP, so every site's
 * outbox asks this Durable Object (one instance, `egressOf`) for a send slot. At most `CALLTOUCH_RPS`
 * sends in any `1000 + CALLTOUCH_RATE_MARGIN_MS` ms, each counted from its answer (`send-window.ts`),
 * persisted so that a restart cannot burst. Slots go to waiting sites in turn (each site waits with at
 * most one request, so a site with a backlog cannot starve another); a slow-down from Calltouch holds
 * every site. Nothing runs while no one waits: a timer is set only for a waiter.
 */
export class Egress extends DurableObject<Env> {
  private window: SendWindow | undefined;
  private readonly waiters: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * A send slot for `site`: now, or after waiting its turn for at most about {@link MAX_HOLD_MS}, granted
   * up to {@link GRANT_AHEAD_MS} before it opens (the sender waits `waitMs`); during a longer slow-down
   * hold, the time to come back. `answered` is the answer to the site's last send, told
   * here rather than in a call of its own when the site goes on sending at once.
   */
  acquire(site: string, answered?: Answered): Promise<Grant> {
    if (answered) this.record(answered);
    const window = this.budget();
    const now = Date.now();
    const held = window.held(now);
    if (held > MAX_HOLD_MS) return Promise.resolve({ granted: false, retryAt: now + held });
    // A site asks again while its earlier call still waits only when that caller is gone (its instance
    // restarted): the earlier call gives up its place to this one, so that no slot goes to nobody.
    const earlier = this.waiters.findIndex((waiter) => waiter.site === site);
    return new Promise((resolve) => {
      const waiter = { site, resolve };
      if (earlier >= 0) this.waiters.splice(earlier, 1, waiter)[0]!.resolve({ granted: false, retryAt: now });
      else this.waiters.push(waiter);
      this.pump();
    });
  }

  /** The answer to a granted send came back: it counts from then on; a slow-down holds every site. */
  answered(answer: Answered): void {
    this.record(answer);
    this.pump();
  }

  /** A granted slot was not used (nothing was left to send): it never counted. */
  release(ticket: number): void {
    const window = this.budget();
    window.release(ticket);
    this.persist(window);
    this.pump();
  }

  private record(answer: Answered): void {
    const window = this.budget();
    window.answered(answer.ticket, answer.at);
    if (answer.slowDown) {
      window.slowDown(answer.at, answer.slowDown.retryAfterMs);
      log("warn", "upstream asked to slow down: every site waits", { heldMs: window.held(Date.now()) });
    } else {
      window.calm();
    }
    this.persist(window);
  }

  /**
   * Grants the slots that open within {@link GRANT_AHEAD_MS} to the waiters in turn, each counted from its
   * moment; then sleeps until the next is that close or an answer comes. A slot whose moment depends on an
   * answer still to come is granted only once that answer is told.
   */
  private pump(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const window = this.budget();
    const now = Date.now();
    let granted = false;
    for (
      let at = window.opensAt(now);
      this.waiters.length > 0 && at !== undefined && at - now <= GRANT_AHEAD_MS;
      at = window.opensAt(now)
    ) {
      const waiter = this.waiters.shift()!;
      waiter.resolve({ granted: true, ticket: window.start(at), at, waitMs: at - now });
      granted = true;
    }
    if (granted) this.persist(window);
    if (this.waiters.length === 0) return;
    const held = window.held(now);
    if (held > MAX_HOLD_MS) {
      // A slow-down began while they waited: each comes back after it, by its own alarm.
      for (const waiter of this.waiters.splice(0)) waiter.resolve({ granted: false, retryAt: now + held });
      return;
    }
    const next = window.opensAt(now) ?? now + window.delay(now);
    this.timer = setTimeout(() => this.pump(), Math.max(0, next - GRANT_AHEAD_MS - now));
  }

  private budget(): SendWindow {
    if (this.window) return this.window;
    const result = readSettings(this.env);
    if (!result.ok) throw new Error(`gateway misconfigured: ${result.problems.join("; ")}`);
    const { calltouch, delivery } = result.settings;
    const limits: WindowLimits = {
      limit: calltouch.requestsPerSecond,
      windowMs: 1000 + delivery.rateMarginMs,
      inFlightMaxMs: calltouch.timeoutMs + IN_FLIGHT_MARGIN_MS,
      slowDownBaseMs: 1000,
      slowDownMaxMs: delivery.retry.maxMs,
    };
    this.window = new SendWindow(limits, this.ctx.storage.kv.get<WindowState>(STATE_KEY) ?? EMPTY_WINDOW);
    return this.window;
  }

  private persist(window: SendWindow): void {
    this.ctx.storage.kv.put(STATE_KEY, window.snapshot());
  }
}

/**
 * The egress budget every site shares, created where the outboxes are (`OUTBOX_LOCATION_HINT`): each of
 * their sends asks it first.
 *
 * @example const grant = await egressOf(env).acquire(siteId);
 */
export function egressOf(env: Env) {
  const settings = readSettings(env);
  const locationHint = settings.ok ? settings.settings.outboxLocation : undefined;
  return env.EGRESS.get(env.EGRESS.idFromName("calltouch"), { locationHint });
}
