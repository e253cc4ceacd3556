import { DurableObject } from "cloudflare:workers";
import type {
  ChangeKind,
  ChangeRecord,
  ChangeState,
  DeliveryStats,
  OrderCreate,
  OrderStatus,
  OrderUpdate,
  Receipt,
} from "@calltouch-gateway/contract";
import { type CalltouchClient, calltouchClientFor, type OrderResult, type WireOrder } from "../calltouch/client";
import { CalltouchError } from "../calltouch/errors";
import { log } from "../log";
import { memo } from "../memo";
import { readSettings, type Settings, type SiteSettings, siteSettings } from "../settings";
import { compileChange, sendAs } from "./compile";
import { RateLimiter } from "./rate-limiter";
import { retryDelay } from "./retry";
import { OutboxStore, type PendingChange } from "./store";

export interface EnqueueRequest {
  /** The Calltouch site this outbox serves; the same for every call it gets. */
  site: string;
  kind: ChangeKind;
  /** Validated, normalized orders (the contract's output), in the caller's order. */
  orders: (OrderCreate | OrderUpdate)[];
  requestId: string;
  /** Whose idempotency keys these are: keys of different callers never meet. */
  caller: string;
  /** The call's `Idempotency-Key`. */
  idempotencyKey?: string;
  /** Hold the answer up to this long (capped by `WAIT_MAX_MS`) until every change is settled. */
  waitMs?: number;
}

export type EnqueueResult = { ok: true; receipts: Receipt[] } | { ok: false; conflict: string };

interface Pause {
  reason: string;
  since: number;
  /** The credentials that were refused; other ones resume delivery at once. */
  fingerprint: string;
  /** When a paused site tries once more on its own. */
  probeAt: number;
}

/** Upper bound of one alarm's work; the next alarm goes on where it stopped. */
const FLUSH_BUDGET_MS = 25_000;
/** Calltouch's answer to a create of a deal it already holds (its text is not documented). */
const ALREADY_EXISTS = /already exists|уже существует|duplicate|дубл/i;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * The durable outbox of one Calltouch site. `enqueue` stores every change of a call in one transaction
 * and answers receipts at once; the alarm sends them upstream in batches, one change per order at a
 * time, within the rate limit, retrying what may succeed later and parking the rest as dead with
 * Calltouch's reason. Storage schema: `schema.ts` and this folder's README.
 */
export class Outbox extends DurableObject<Env> {
  private readonly store: OutboxStore;
  private limiter: RateLimiter | undefined;
  private readonly waiters = new Set<{ ids: number[]; resolve: () => void }>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new OutboxStore(ctx.storage.sql);
    const recovered = this.store.recoverInFlight(Date.now());
    if (recovered > 0) log("warn", "outbox restarted mid-flush; changes in flight go again", { recovered });
    // Whatever stopped the last instance, queued work must have an alarm to carry it on.
    void ctx.blockConcurrencyWhile(async () => {
      if (this.store.nextDue() !== null && (await ctx.storage.getAlarm()) === null) await ctx.storage.setAlarm(Date.now());
    });
  }

  // --- callers ---

  async enqueue(request: EnqueueRequest): Promise<EnqueueResult> {
    const { delivery } = this.settings();
    const inputs = request.orders.map((order) => JSON.stringify(order));
    const scope = `${request.caller}:${request.kind}`;
    const callFingerprint = request.idempotencyKey && (await sha256Hex(`${request.kind}\n${inputs.join("\n")}`));
    const orderFingerprints = await Promise.all(
      request.orders.map((order, index) => (order.idempotencyKey ? sha256Hex(inputs[index]!) : undefined)),
    );

    const accepted = this.ctx.storage.transactionSync((): { ids: number[]; fresh: number } | string => {
      const now = Date.now();
      if (this.store.getValue<string>("siteId") === undefined) this.store.setValue("siteId", request.site);
      if (request.idempotencyKey) {
        const earlier = this.store.idempotencyEntry(scope, `call:${request.idempotencyKey}`);
        if (earlier) {
          return earlier.fingerprint === callFingerprint
            ? { ids: earlier.changeIds, fresh: 0 }
            : `Idempotency-Key "${request.idempotencyKey}" was used before with a different body`;
        }
      }
      // Per-order keys: an earlier change with the same key and body is answered again, not stored twice.
      const ids: (number | undefined)[] = [];
      const seen = new Map<string, { index: number; fingerprint: string }>();
      for (const [index, order] of request.orders.entries()) {
        const key = order.idempotencyKey;
        if (!key) continue;
        const fingerprint = orderFingerprints[index]!;
        const earlier = this.store.idempotencyEntry(scope, `order:${key}`) ?? seen.get(key);
        if (!earlier) {
          seen.set(key, { index, fingerprint });
          continue;
        }
        if (earlier.fingerprint !== fingerprint) {
          return `orders[${index}].idempotencyKey "${key}" was used before with a different order`;
        }
        ids[index] = "changeIds" in earlier ? earlier.changeIds[0] : -1 - earlier.index;
      }
      const freshIndexes = request.orders.flatMap((_, index) => (ids[index] === undefined ? [index] : []));
      const freshIds = this.store.insert(
        freshIndexes.map((index) => ({ orderNumber: request.orders[index]!.orderNumber, kind: request.kind, input: inputs[index]! })),
        request.requestId,
        now,
        now + delivery.retry.giveUpMs,
      );
      for (const [position, index] of freshIndexes.entries()) ids[index] = freshIds[position];
      // A repeat inside the call points at its first occurrence (stored as -1 - index above).
      const resolved = ids.map((id) => (id! < 0 ? ids[-1 - id!]! : id!));
      for (const [key, { index, fingerprint }] of seen) {
        this.store.rememberIdempotency(scope, `order:${key}`, fingerprint, [resolved[index]!], now);
      }
      if (request.idempotencyKey) {
        this.store.rememberIdempotency(scope, `call:${request.idempotencyKey}`, callFingerprint!, resolved, now);
      }
      return { ids: resolved, fresh: freshIds.length };
    });
    if (typeof accepted === "string") return { ok: false, conflict: accepted };

    log("info", "accepted", {
      requestId: request.requestId,
      caller: request.caller,
      kind: request.kind,
      changes: accepted.ids.length,
      stored: accepted.fresh,
    });
    if (accepted.fresh > 0) await this.kick();
    if (request.waitMs) await this.waitFor(accepted.ids, Math.min(request.waitMs, delivery.maxWaitMs));
    return { ok: true, receipts: this.store.receipts(accepted.ids) };
  }

  status(orderNumbers: string[]): OrderStatus[] {
    return this.store.status(orderNumbers);
  }

  /** Which of these deals Calltouch holds, as far as the ledger knows: creates of them go as updates. */
  known(orderNumbers: string[]): string[] {
    return orderNumbers.filter((orderNumber) => this.store.isKnown(orderNumber));
  }

  // --- operators ---

  list(state: ChangeState, limit: number, after: number): ChangeRecord[] {
    return this.store.list(state, limit, after);
  }

  async replay(selector: { changeIds?: number[]; orderNumbers?: string[] }): Promise<number[]> {
    const now = Date.now();
    const ids = this.ctx.storage.transactionSync(() => this.store.replay(selector, now, now + this.settings().delivery.retry.giveUpMs));
    if (ids.length > 0) {
      log("info", "replayed", { changeIds: ids });
      await this.kick();
    }
    return ids;
  }

  stats(): DeliveryStats {
    const pause = this.store.getValue<Pause>("pause");
    return {
      ...this.store.stats(Date.now()),
      paused: pause ? { reason: pause.reason, since: new Date(pause.since).toISOString() } : null,
    };
  }

  /** Lifts a pause now, for an operator who fixed the configuration on Calltouch's side. */
  async resume(): Promise<boolean> {
    const paused = this.store.getValue<Pause>("pause") !== undefined;
    if (paused) {
      this.store.setValue("pause", undefined);
      log("info", "delivery resumed by an operator");
      await this.kick();
    }
    return paused;
  }

  // --- delivery ---

  override async alarm(): Promise<void> {
    const result = readSettings(this.env);
    if (!result.ok) {
      log("error", "outbox cannot deliver: gateway misconfigured", { problems: result.problems });
      await this.ctx.storage.setAlarm(Date.now() + 60_000);
      return;
    }
    await this.flush(result.settings);
  }

  private async flush(settings: Settings): Promise<void> {
    const siteId = this.store.getValue<string>("siteId");
    if (siteId === undefined) return;
    const { delivery } = settings;
    const calltouch = siteSettings(settings, siteId);
    const client = calltouchClientFor(calltouch);
    const limiter = (this.limiter ??= new RateLimiter(
      calltouch.requestsPerSecond,
      1000 + delivery.rateMarginMs,
      this.store.getValue<number[]>("sends") ?? [],
    ));
    const credentials = await credentialsFingerprint(calltouch);
    const deadline = Date.now() + FLUSH_BUDGET_MS;

    while (Date.now() < deadline) {
      const pause = this.store.getValue<Pause>("pause");
      if (pause && pause.fingerprint !== credentials) {
        this.store.setValue("pause", undefined);
        log("info", "delivery resumed: the Calltouch credentials changed");
      } else if (pause && Date.now() < pause.probeAt) {
        break;
      }
      const batch = this.nextBatch(calltouch.batchSize, { ms: delivery.lingerMs, maxMs: delivery.lingerMaxMs });
      if (!batch) break;
      // Waiting for a send slot or for a batch to fill lets more changes join; pick again afterwards.
      const wait = Math.max(limiter.delay(Date.now()), batch.lingerMs);
      if (wait > 0) {
        await scheduler.wait(wait);
        continue;
      }
      const start = Date.now();
      limiter.record(start);
      this.ctx.storage.transactionSync(() => {
        this.store.setValue("sends", limiter.recent(start));
        this.store.markInFlight(
          batch.changes.map((change) => change.id),
          batch.sentAs,
        );
      });
      await this.send(batch, start, client, settings, credentials, limiter);
      this.wakeWaiters();
    }

    const now = Date.now();
    if ((this.store.getValue<number>("prunedAt") ?? 0) < now - PRUNE_EVERY_MS) {
      this.store.prune(now - delivery.retentionMs);
      this.store.setValue("prunedAt", now);
    }
    const due = this.store.nextDue();
    const pause = this.store.getValue<Pause>("pause");
    if (due !== null) await this.ctx.storage.setAlarm(Math.max(due, pause?.probeAt ?? 0, now));
  }

  /**
   * The next request, and how long it should linger first: up to `batchSize` ready changes of one kind
   * (a create of a deal the ledger knows goes as an update). The oldest change's kind goes first; a
   * fuller batch of the other kind may go ahead only while that one still lingers, so that a few changes
   * of one kind cannot starve behind a stream of the other. A change whose batch Calltouch refused as a
   * whole goes alone, so that one bad order cannot hold back the others.
   */
  private nextBatch(
    batchSize: number,
    linger: { ms: number; maxMs: number },
  ): { sentAs: ChangeKind; changes: PendingChange[]; lingerMs: number } | undefined {
    const now = Date.now();
    const ready = this.store.ready(now, batchSize * 5);
    const first = ready[0];
    if (!first) return undefined;
    if (first.solo) return { sentAs: sendAsOf(first), changes: [first], lingerMs: 0 };
    const byKind = Map.groupBy(
      ready.filter((change) => !change.solo),
      sendAsOf,
    );
    const batchOf = (sentAs: ChangeKind) => {
      const changes = (byKind.get(sentAs) ?? []).slice(0, batchSize);
      return { sentAs, changes, lingerMs: lingerFor(changes, batchSize, linger, now) };
    };
    const oldest = batchOf(sendAsOf(first));
    const other = batchOf(oldest.sentAs === "create" ? "update" : "create");
    return oldest.lingerMs > 0 && other.changes.length > oldest.changes.length ? other : oldest;
  }

  private compile(batch: { sentAs: ChangeKind; changes: PendingChange[] }, { calltouch }: Settings): WireOrder<ChangeKind>[] {
    return batch.changes.map((change) =>
      compileChange(change.kind, batch.sentAs, JSON.parse(change.input), calltouch, new Date(change.acceptedAt)),
    );
  }

  /** Sends a batch that started at `started` (as the limiter counts it) and applies the answer. */
  private async send(
    batch: { sentAs: ChangeKind; changes: PendingChange[] },
    started: number,
    client: CalltouchClient,
    settings: Settings,
    credentials: string,
    limiter: RateLimiter,
  ): Promise<void> {
    let results: OrderResult[] | undefined;
    let failure: CalltouchError | undefined;
    try {
      results = await client.send(batch.sentAs, this.compile(batch, settings));
    } catch (error) {
      // Whatever failed, the changes must leave the in-flight state: an unexpected error is retried too.
      if (!(error instanceof CalltouchError)) log("error", "flush failed unexpectedly", { error });
      failure = error instanceof CalltouchError ? error : new CalltouchError("retryable", "the gateway failed while sending");
    }
    const now = Date.now();
    const flush = {
      kind: batch.sentAs,
      batch: batch.changes.length,
      latencyMs: now - started,
      requestIds: [...new Set(batch.changes.map((change) => change.requestId))],
    };
    // Calltouch counted the request before it answered: the send takes its place in the window from now.
    limiter.answered(started, now);
    this.ctx.storage.transactionSync(() => {
      this.store.setValue("sends", limiter.recent(now));
      if (results) {
        this.applyResults(batch, results, now);
        log("info", "flush", { ...flush, outcome: "ok", refused: results.filter((result) => !result.ok).length });
      } else {
        this.applyFailure(batch, failure!, settings, credentials, now);
        if (failure!.details.throttled) limiter.holdUntil(now + 1000);
        log(failure!.kind === "configuration" ? "error" : "warn", "flush", {
          ...flush,
          outcome: failure!.kind,
          status: failure!.details.status,
          error: failure!.message,
        });
      }
      // Any answer but an auth refusal proves the credentials work again.
      if (failure?.kind !== "configuration" && this.store.getValue<Pause>("pause")) {
        this.store.setValue("pause", undefined);
        log("info", "delivery resumed: Calltouch accepted the credentials");
      }
    });
  }

  private applyResults(batch: { sentAs: ChangeKind; changes: PendingChange[] }, results: OrderResult[], now: number): void {
    batch.changes.forEach((change, index) => {
      const result = results[index]!;
      if (result.ok) {
        this.store.delivered(change, result.calltouchOrderId, now);
      } else if (batch.sentAs === "create" && ALREADY_EXISTS.test(result.error)) {
        // Calltouch holds the deal already (a create of ours whose answer was lost, or made elsewhere):
        // the ledger learns it and the change goes again, as an update.
        this.store.know(change.orderNumber, undefined, now);
        this.store.requeue(change.id, now, { countAttempt: false });
      } else {
        this.bury(change, result.error, now);
      }
    });
  }

  private applyFailure(
    batch: { changes: PendingChange[] },
    failure: CalltouchError,
    settings: Settings,
    credentials: string,
    now: number,
  ): void {
    const { changes } = batch;
    switch (failure.kind) {
      case "configuration":
        // Nothing is lost and nothing dies: the site waits for an operator, or for new credentials.
        for (const change of changes) this.store.requeue(change.id, now, { error: failure.message, countAttempt: false });
        if (!this.store.getValue<Pause>("pause")) {
          log("error", "delivery paused: Calltouch refused the credentials", { reason: failure.message });
        }
        this.store.setValue("pause", {
          reason: failure.message,
          since: this.store.getValue<Pause>("pause")?.since ?? now,
          fingerprint: credentials,
          probeAt: now + settings.delivery.pauseProbeMs,
        } satisfies Pause);
        return;
      case "invalid":
        if (changes.length === 1) this.bury(changes[0]!, failure.message, now);
        else for (const change of changes) this.store.requeue(change.id, now, { solo: true, countAttempt: false });
        return;
      case "retryable":
      case "protocol": {
        // One delay for the whole batch: it stays together and goes again as one request.
        const attempts = Math.max(...changes.map((change) => change.attempts)) + 1;
        const retryAt = now + retryDelay(attempts, settings.delivery.retry);
        for (const change of changes) {
          if (now >= change.giveUpAt) {
            this.bury(change, `gave up after ${change.attempts + 1} attempts: ${failure.message}`, now);
          } else {
            this.store.requeue(change.id, Math.min(retryAt, change.giveUpAt), { error: failure.message });
          }
        }
      }
    }
  }

  private bury(change: PendingChange, error: string, now: number): void {
    this.store.dead(change.id, error, now);
    log("warn", "dead letter", {
      requestId: change.requestId,
      changeId: change.id,
      orderNumber: change.orderNumber,
      attempts: change.attempts + 1,
      error,
    });
  }

  // --- helpers ---

  private settings(): Settings {
    const result = readSettings(this.env);
    if (!result.ok) throw new Error(`gateway misconfigured: ${result.problems.join("; ")}`);
    return result.settings;
  }

  /** Makes the alarm run now unless it already will. */
  private async kick(): Promise<void> {
    const at = await this.ctx.storage.getAlarm();
    if (at === null || at > Date.now()) await this.ctx.storage.setAlarm(Date.now());
  }

  private waitFor(ids: number[], ms: number): Promise<void> {
    if (ms <= 0 || this.store.settled(ids)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = {
        ids,
        resolve: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.resolve, ms);
      this.waiters.add(waiter);
    });
  }

  private wakeWaiters(): void {
    for (const waiter of this.waiters) if (this.store.settled(waiter.ids)) waiter.resolve();
  }
}

/**
 * How long a batch that is not full should wait for more changes: while it keeps growing, that is until
 * `linger.ms` passes without a change joining it, but never past `linger.maxMs` after its first change
 * was due, so that a steady trickle cannot hold a caller's deal (or its `wait`) for long. Calls whose
 * changes cannot join it (of the other kind, or behind an earlier change of their order) do not hold it.
 */
function lingerFor(changes: readonly PendingChange[], batchSize: number, linger: { ms: number; maxMs: number }, now: number): number {
  if (changes.length === 0 || changes.length >= batchSize) return 0;
  const dueTimes = changes.map((change) => Math.max(change.acceptedAt, change.dueAt));
  const until = Math.min(Math.max(...dueTimes) + linger.ms, Math.min(...dueTimes) + linger.maxMs);
  return Math.max(0, until - now);
}

function sendAsOf(change: PendingChange): ChangeKind {
  return sendAs(change.kind, change.known);
}

async function sha256Hex(text: string): Promise<string> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))).toHex();
}

const fingerprints = new WeakMap<object, Promise<string>>();

/** A digest of what Calltouch authenticates, so that a pause can tell whether the settings changed. */
function credentialsFingerprint(calltouch: SiteSettings): Promise<string> {
  return memo(fingerprints, calltouch, () => sha256Hex(`${calltouch.baseUrl}\n${calltouch.siteId}\n${calltouch.token}`));
}
