import type { ChangeKind } from "@calltouch-gateway/contract";
import type { Verdict } from "../calltouch/classify";
import { calltouchClientFor, type PreparedRequest, type WireOrder } from "../calltouch/client";
import { log } from "../log";
import { memo } from "../memo";
import { type Settings, type SiteSettings, siteSettings } from "../settings";
import { Alerts } from "./alerts";
import { type Batch, chooseBatch } from "./batch";
import { compileChange, routeOf } from "./compile";
import { sha256Hex } from "./digest";
import { type Answered, egressOf, type Grant } from "./egress";
import { type Fate, fateOfFailure, fateOfResult } from "./fate";
import type { OutboxRecords } from "./records";
import { retryDelay } from "./retry";
import type { OutboxStore, PendingChange } from "./store";

/** Why a site's delivery waits for an operator or new credentials. */
export interface Pause {
  reason: string;
  since: number;
  /** The credentials that were refused; other ones resume delivery at once. */
  fingerprint: string;
  /** When a paused site tries once more on its own. */
  probeAt: number;
}

/** A ready change with what it goes as. */
type Routed = PendingChange & { sentAs: ChangeKind };

/** Upper bound of one alarm's work; the next alarm goes on where it stopped. */
const FLUSH_BUDGET_MS = 25_000;
/** When the egress cannot be asked (it restarted), ask again after this long. */
const EGRESS_RETRY_MS = 1_000;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * One site's delivery, run by the outbox's alarm: pick the next batch (`batch.ts`), take a send slot of
 * the egress budget (`egress.ts`), send it, store each change's fate (`fate.ts`), and set the alarm for
 * the next change that can actually go, or for a pause's probe; nothing when nothing waits.
 */
export class Flusher {
  /** Whether leads have the next turn; deals and leads take turns when both wait. */
  private leadsTurn = false;
  private readonly alerts: Alerts;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
    private readonly store: OutboxStore,
    private readonly records: OutboxRecords,
    private readonly onSettled: () => void,
  ) {
    this.alerts = new Alerts(store);
  }

  async flush(settings: Settings): Promise<void> {
    const siteId = this.store.getValue<string>("siteId");
    if (siteId === undefined) return;
    const calltouch = siteSettings(settings, siteId);
    const credentials = await credentialsFingerprint(calltouch);
    const deadline = Date.now() + FLUSH_BUDGET_MS;
    let comeBackAt = 0;
    // When this site's last answer came, for the log: its time to the next request is the loop's, less the window's hold.
    let answeredAt: number | undefined;
    // The answer to the last send, told to the egress with the next slot's request when one follows at once.
    let answer: Answered | undefined;
    const tell = async () => {
      if (answer) await this.answered(answer);
      answer = undefined;
    };

    while (Date.now() < deadline) {
      if (this.pausedUntilProbe(credentials)) break;
      const batch = this.choose(settings, true);
      if (!batch) break;
      // A batch that is not full waits for more changes; then it is picked again.
      if (batch.lingerMs > 0) {
        await tell();
        await scheduler.wait(batch.lingerMs);
        continue;
      }
      const askedAt = Date.now();
      const grant = await this.acquire(siteId, answer);
      answer = undefined;
      if (!grant.granted) {
        comeBackAt = grant.retryAt;
        break;
      }
      // The slot's moment by this object's clock: the grant's travel only makes it later.
      const opensAt = Date.now() + grant.waitMs;
      // Changes may have joined while the slot was awaited: a batch that was not full is picked again.
      const now = batch.changes.length < settings.calltouch.batchSize ? this.choose(settings, false) : batch;
      if (!now) {
        await this.release(grant.ticket);
        continue;
      }
      answer = await this.send(
        now,
        { ...grant, opensAt, heldMs: Math.max(0, grant.at - askedAt), answeredAt },
        settings,
        calltouch,
        credentials,
      );
      answeredAt = Date.now();
      this.leadsTurn = !this.leadsTurn;
      this.onSettled();
    }
    await tell();

    const now = Date.now();
    if ((this.store.getValue<number>("prunedAt") ?? 0) < now - PRUNE_EVERY_MS) {
      const { delivery } = settings;
      this.records.prune(now, {
        deliveredMs: delivery.retentionMs,
        deadMs: delivery.deadRetentionMs,
        ledgerMs: delivery.ledgerRetentionMs,
      });
      this.store.setValue("prunedAt", now);
    }
    const oldest = this.store.oldestQueuedAt();
    if (oldest !== undefined && now - oldest > settings.alerts.queueAgeMs) {
      this.alerts.note({ kind: "queue_age", oldestQueuedAgeMs: now - oldest, queued: this.records.stats(now).queued });
    }
    await this.alerts.send(settings.alerts, siteId, now);
    await this.scheduleNext(comeBackAt);
  }

  /** Lifts a pause, if any (in the caller's transaction): every queued change gets its whole retry budget again. */
  lift(why: string): boolean {
    if (this.store.getValue<Pause>("pause") === undefined) return false;
    this.store.setValue("pause", undefined);
    this.store.renewRetries();
    log("info", why);
    return true;
  }

  /** The alarm, for the next change that can go (due, not held behind its deal's earlier one), or the pause's probe. */
  private async scheduleNext(comeBackAt: number): Promise<void> {
    const pause = this.store.getValue<Pause>("pause");
    const due = pause ? (this.store.anyQueued() ? pause.probeAt : null) : this.store.nextDue();
    if (due === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Math.max(due, comeBackAt, Date.now()));
  }

  /** Whether the site is paused and its next probe is not due; a pause of other credentials than these ends. */
  private pausedUntilProbe(credentials: string): boolean {
    const pause = this.store.getValue<Pause>("pause");
    if (pause && pause.fingerprint !== credentials) return !this.lift("delivery resumed: the Calltouch credentials changed");
    return pause !== undefined && Date.now() < pause.probeAt;
  }

  /**
   * The next batch of ready changes, deals and leads taking turns. A lead whose deal the ledger knows dies
   * here: a lead only ever adds a new deal.
   */
  private choose(settings: Settings, lingering: boolean): Batch<Routed> | undefined {
    const now = Date.now();
    const { batchSize } = settings.calltouch;
    const route = (change: PendingChange): Routed => ({ ...change, sentAs: routeOf({ ...change, known: change.ledger !== null }) });
    const deals = this.store.ready("deal", now, batchSize * 5).map(route);
    const leads = this.store.ready("lead", now, batchSize * 5).filter((lead) => {
      if (lead.ledger === null) return true;
      const from = lead.ledger.learnedFrom === null ? "" : ` (learned from change ${lead.ledger.learnedFrom})`;
      this.bury(lead, `Calltouch holds deal ${lead.orderNumber}${from}: a lead only ever adds a new deal and never changes one`, now);
      return false;
    });
    const [turn, other] = this.leadsTurn ? [leads.map(route), deals] : [deals, leads.map(route)];
    if (!lingering) return chooseBatch(turn, other, batchSize, { ms: 0, maxMs: 0 }, now);
    const linger = { ms: settings.delivery.lingerMs, maxMs: settings.delivery.lingerMaxMs };
    return chooseBatch(turn, other, batchSize, linger, now, () => this.store.arrivals(batchSize));
  }

  private async acquire(siteId: string, answered: Answered | undefined): Promise<Grant> {
    try {
      return await egressOf(this.env).acquire(siteId, answered);
    } catch (error) {
      log("warn", "the egress budget could not be asked; trying again", { error });
      return { granted: false, retryAt: Date.now() + EGRESS_RETRY_MS };
    }
  }

  private async answered(answer: Answered): Promise<void> {
    try {
      await egressOf(this.env).answered(answer);
    } catch (error) {
      // The send still counts there until its in-flight limit runs out: the budget errs on the safe side.
      log("warn", "the egress budget could not be told of an answer", { error });
    }
  }

  private async release(ticket: number): Promise<void> {
    try {
      await egressOf(this.env).release(ticket);
    } catch (error) {
      log("warn", "the egress budget could not be told of an unused slot", { error });
    }
  }

  /**
   * Sends a batch under a granted slot and stores what becomes of each change. The attempt is stored and
   * the body built while the slot opens (the output gate holds the fetch until the attempt is durable, so
   * that too is done meanwhile); the request leaves at the slot's moment, never sooner. Answers what the
   * egress is still to be told: when the answer came (a slow-down is told at once, to hold every site).
   */
  private async send(
    batch: Batch<Routed>,
    slot: { ticket: number; at: number; opensAt: number; heldMs: number; answeredAt: number | undefined },
    settings: Settings,
    calltouch: SiteSettings,
    credentials: string,
  ): Promise<Answered | undefined> {
    const paused = this.store.getValue<Pause>("pause") !== undefined;
    this.ctx.storage.transactionSync(() =>
      this.store.markInFlight(
        batch.changes.map((change) => change.id),
        batch.sentAs,
      ),
    );
    const request = this.prepare(batch, settings, calltouch);
    const early = slot.opensAt - Date.now();
    if (early > 0) await scheduler.wait(early);
    const started = Date.now();
    const verdict = await request();
    const now = Date.now();
    const { ticket } = slot;
    const slowDown = verdict.kind === "slow_down" || verdict.retryAfterMs !== undefined;
    const answer: Answered = { ticket, at: now, ...(slowDown ? { slowDown: { retryAfterMs: verdict.retryAfterMs } } : {}) };
    if (slowDown) await this.answered(answer);

    const retries = Math.max(...batch.changes.map((change) => change.retries)) + 1;
    const failure = {
      verdict,
      size: batch.changes.length,
      retryAt: now + retryDelay(retries, settings.delivery.retry),
      counts: !paused,
      maxAttempts: settings.delivery.retry.maxAttempts,
    };
    this.ctx.storage.transactionSync(() => {
      const fates = batch.changes.map((change, index): Fate => {
        const result = verdict.results?.[index];
        return result ? fateOfResult(change, batch.sentAs, result, now) : fateOfFailure(change, batch.sentAs, failure, now);
      });
      const newReasons = this.store.settleAll(
        batch.changes.map((change, index) => ({ change, fate: fates[index]! })),
        now,
      );
      batch.changes.forEach((change, index) => {
        const fate = fates[index]!;
        if (fate.to === "dead") this.logDead(change, fate.reason, change.attempts + 1);
        const newReason = newReasons[index];
        if (newReason !== undefined)
          this.alerts.note({ kind: "dead_letter", reason: newReason, orderNumber: change.orderNumber, changeId: change.id });
      });
      this.afterAnswer(verdict, settings, credentials, now);
      log(verdict.kind === "credentials" || verdict.kind === "surprise" ? "error" : verdict.kind === "results" ? "info" : "warn", "flush", {
        kind: batch.sentAs,
        batch: batch.changes.length,
        latencyMs: now - started,
        // From the slot's opening (the egress's clock) to the request leaving: what the gateway adds to a cycle.
        slotLagMs: started - slot.at,
        // How long the window held the slot, and the time from this site's last answer to this request leaving.
        heldMs: slot.heldMs,
        ...(slot.answeredAt === undefined ? {} : { gapMs: started - slot.answeredAt }),
        requestIds: [...new Set(batch.changes.map((change) => change.requestId))],
        outcome: verdict.kind,
        row: verdict.row,
        ...(verdict.status === undefined ? {} : { status: verdict.status }),
        ...(verdict.results ? { refused: fates.filter((fate) => fate.to !== "delivered").length } : { error: verdict.message }),
      });
    });
    return slowDown ? undefined : answer;
  }

  /**
   * The request of a batch, built now and sent when called: answers the classifier's verdict; a failure of
   * the gateway's own is an unknown outcome, or, when a change cannot be compiled, a surprise never sent.
   */
  private prepare(batch: Batch<Routed>, settings: Settings, calltouch: SiteSettings): () => Promise<Verdict> {
    let request: PreparedRequest;
    try {
      const orders: WireOrder<ChangeKind>[] = batch.changes.map((change) =>
        compileChange(change.kind, batch.sentAs, JSON.parse(change.input), settings.calltouch, new Date(change.acceptedAt)),
      );
      request = calltouchClientFor(calltouch).prepare(batch.sentAs, orders);
    } catch (error) {
      log("error", "a stored change could not be compiled", { error });
      const verdict: Verdict = {
        kind: "surprise",
        row: "anything_else",
        applied: "no",
        message: "the gateway could not compile a stored change",
      };
      return () => Promise.resolve(verdict);
    }
    return async () => {
      try {
        return await request.send();
      } catch (error) {
        log("error", "flush failed unexpectedly", { error });
        return { kind: "unknown_outcome", row: "no_answer", applied: "maybe", message: "the gateway failed while sending" };
      }
    };
  }

  /** What an answer says of the site's credentials: a refusal pauses it; an answer that passed auth lifts a pause. */
  private afterAnswer(verdict: Verdict, settings: Settings, credentials: string, now: number): void {
    const pause = this.store.getValue<Pause>("pause");
    if (verdict.kind === "credentials") {
      if (!pause) {
        log("error", "delivery paused: Calltouch refused the credentials", { reason: verdict.message });
        this.alerts.note({ kind: "paused", reason: verdict.message });
      }
      this.store.setValue("pause", {
        reason: verdict.message,
        since: pause?.since ?? now,
        fingerprint: credentials,
        probeAt: now + settings.delivery.pauseProbeMs,
      } satisfies Pause);
    } else if (pause && (verdict.kind === "results" || verdict.kind === "refused")) {
      this.lift("delivery resumed: Calltouch accepted the credentials");
    } else if (pause) {
      // No answer, or one that says nothing of the credentials (a network error, a 5xx): the pause stands.
      this.store.setValue("pause", { ...pause, probeAt: now + settings.delivery.pauseProbeMs } satisfies Pause);
    }
  }

  private bury(change: PendingChange, reason: string, now: number): void {
    const newReason = this.ctx.storage.transactionSync(() => this.store.dead(change.id, reason, now));
    if (newReason !== undefined)
      this.alerts.note({ kind: "dead_letter", reason: newReason, orderNumber: change.orderNumber, changeId: change.id });
    this.logDead(change, reason, change.attempts);
  }

  private logDead(change: PendingChange, reason: string, attempts: number): void {
    log("warn", "dead letter", {
      requestId: change.requestId,
      changeId: change.id,
      orderNumber: change.orderNumber,
      origin: change.origin,
      attempts,
      error: reason,
    });
  }
}

const fingerprints = new WeakMap<object, Promise<string>>();

/** A digest of what Calltouch authenticates, so that a pause can tell whether the settings changed. */
function credentialsFingerprint(calltouch: SiteSettings): Promise<string> {
  return memo(fingerprints, calltouch, () => sha256Hex(`${calltouch.baseUrl}\n${calltouch.siteId}\n${calltouch.token}`));
}
