import { DurableObject } from "cloudflare:workers";
import type {
  ChangeKind,
  ChangeOrigin,
  ChangeRecord,
  ChangeState,
  DeadLetter,
  DeadReason,
  DeliveryStats,
  OrderCreate,
  OrderDelete,
  OrderStatus,
  OrderUpdate,
  Receipt,
  Replayed,
  SiteOverview,
} from "@calltouch-gateway/contract";
import { log } from "../log";
import type { Result } from "../result";
import { readSettings, type Settings } from "../settings";
import { CommitGroup } from "./commit-group";
import { sha256Hex } from "./digest";
import { Flusher, type Pause } from "./flush";
import { changeIdsOf, type IdempotencyConflict, resolveIdempotency } from "./idempotency";
import { migrate } from "./migrations";
import { OperatorRecords } from "./operators";
import { type OperatorRefusal, OutboxRecords } from "./records";
import { OutboxStore } from "./store";

export interface EnqueueRequest {
  /** The Calltouch site this outbox serves; the same for every call it gets. */
  site: string;
  kind: ChangeKind;
  /** `deal` for a secret key's call; `lead` for a public key's, which is only ever sent as a create. */
  origin: ChangeOrigin;
  /** Validated, normalized orders (the contract's output), in the caller's order. */
  orders: (OrderCreate | OrderUpdate | OrderDelete)[];
  requestId: string;
  /** Whose idempotency keys these are: keys of different callers never meet. */
  caller: string;
  /** The call's `Idempotency-Key`. */
  idempotencyKey?: string;
  /** Hold the answer up to this long (capped by `WAIT_MAX_MS`) until every change is settled. */
  waitMs?: number;
}

/** What the outbox answers one call: its receipts, or the conflict of its idempotency key. */
export type EnqueueAnswer = Result<Receipt[], IdempotencyConflict>;

/** What `enqueueAll` answers each call of a carriage (`intake.ts`): its answer, or what its own work threw. */
export type CarriedAnswer = { answer: EnqueueAnswer } | { error: Error };

/** What a call's savepoint answers: its changes or its conflict, and what the group's `accepted` log line says of it. */
interface Accepted {
  result: Result<{ ids: number[]; fresh: number; keyUseAt?: number }, IdempotencyConflict>;
  call?: { requestId: string; caller: string; kind: ChangeKind; origin: ChangeOrigin; changes: number; stored: number };
}

/** How often a key's last use is written, at most. */
const KEY_USE_EVERY_MS = 60_000;

const keyOf = (order: EnqueueRequest["orders"][number]) => ("idempotencyKey" in order ? order.idempotencyKey : undefined);

/**
 * The durable outbox of one Calltouch site. `enqueue` stores every change of a call in one transaction
 * (shared with the calls that arrive with it, one commit for all: `commit-group.ts`) and answers receipts
 * at once; the alarm (`flush.ts`) sends them upstream in batches, one change per deal at a time, within the
 * egress's rate budget, retrying what may succeed later and parking the rest as dead with Calltouch's
 * reason. Storage: `migrations.ts` and this folder's README.
 */
export class Outbox extends DurableObject<Env> {
  private readonly store: OutboxStore;
  private readonly records: OutboxRecords;
  private readonly operators: OperatorRecords;
  private readonly flusher: Flusher;
  private readonly commits: CommitGroup<Accepted>;
  private readonly waiters = new Set<{ ids: number[]; resolve: () => void }>();
  /** When this instance last wrote each key's use: at most once a minute per key, so a burst costs no extra writes. */
  private readonly keyUseWritten = new Map<string, number>();
  /** The look at the alarm that the calls answered in this turn share (`kick`). */
  private kicking: Promise<void> | undefined;
  /** Whether the site id is known to be stored (the flusher reads it): then a call skips looking. */
  private siteStored = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const { from, to } = migrate(ctx.storage);
    if (from !== to) log("info", "outbox storage migrated", { from, to });
    this.store = new OutboxStore(ctx.storage.sql);
    this.records = new OutboxRecords(ctx.storage.sql);
    this.operators = new OperatorRecords(ctx.storage.sql);
    this.commits = new CommitGroup<Accepted>(ctx.storage, (values, group) => {
      // One line per commit, naming each call it made durable: a line per call cost more than its SQL.
      const calls = values.flatMap(({ call }) => (call ? [call] : []));
      if (calls.length > 0) log("info", "accepted", { group, calls });
    });
    this.flusher = new Flusher(ctx, env, this.store, this.records, () => this.wakeWaiters());
    const recovered = this.store.recoverInFlight(Date.now());
    if (recovered > 0) log("warn", "outbox restarted mid-flush; changes in flight go again", { recovered });
    // Whatever stopped the last instance, queued work must have an alarm to carry it on.
    void ctx.blockConcurrencyWhile(async () => {
      if (this.store.anyQueued() && (await ctx.storage.getAlarm()) === null) await ctx.storage.setAlarm(Date.now());
    });
  }

  // --- callers ---

  /**
   * The calls of a carriage (`intake.ts`), each as `enqueue` would take it alone: all join one commit
   * group, each in its own savepoint, in order; each gets its own answer or the error its own work threw.
   */
  async enqueueAll(requests: EnqueueRequest[]): Promise<CarriedAnswer[]> {
    const settled = await Promise.allSettled(requests.map((request) => this.enqueue(request)));
    return settled.map((outcome) =>
      outcome.status === "fulfilled"
        ? { answer: outcome.value }
        : { error: outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason)) },
    );
  }

  async enqueue(request: EnqueueRequest): Promise<EnqueueAnswer> {
    const { delivery } = this.settings();
    const inputs = request.orders.map((order) => JSON.stringify(order));
    const fingerprints = Promise.all([
      request.idempotencyKey ? sha256Hex(`${request.kind}\n${inputs.join("\n")}`) : undefined,
      Promise.all(request.orders.map((order, index) => (keyOf(order) ? sha256Hex(inputs[index]!) : undefined))),
    ] as const);

    // Calls that reach the object together share one commit (`commit-group.ts`), each in its own savepoint.
    const {
      value: { result: accepted },
    } = await this.commits.run(fingerprints, (prints): Accepted => {
      const result = this.accept(request, inputs, prints);
      if (!result.ok) return { result };
      const { requestId, caller, kind, origin } = request;
      return { result, call: { requestId, caller, kind, origin, changes: result.value.ids.length, stored: result.value.fresh } };
    });
    // Committed, with the site id if it was missing: later calls need not read it again.
    this.siteStored = true;
    if (!accepted.ok) return accepted;

    const { ids, fresh, keyUseAt } = accepted.value;
    // Only a committed write counts: a call whose savepoint rolled back leaves the next one to write the use.
    if (keyUseAt !== undefined) this.keyUseWritten.set(request.caller, keyUseAt);
    if (fresh > 0) await this.kick();
    if (request.waitMs) await this.waitFor(ids, Math.min(request.waitMs, delivery.maxWaitMs));
    // Changes stored by this very call are queued, as accepted: their receipts need no query.
    if (!request.waitMs && fresh === ids.length) {
      return {
        ok: true,
        value: ids.map((changeId, index) => ({ orderNumber: request.orders[index]!.orderNumber, changeId, state: "queued", attempts: 0 })),
      };
    }
    return { ok: true, value: this.records.receipts(ids) };
  }

  /**
   * Stores a call's changes and idempotency keys, or answers the earlier changes its keys name, or the
   * conflict of a key used with another body; synchronous, in the call's savepoint of a commit group.
   * Answers when it wrote the caller's key use, if it did.
   */
  private accept(
    request: EnqueueRequest,
    inputs: readonly string[],
    [callFingerprint, orderFingerprints]: readonly [string | undefined, (string | undefined)[]],
  ): Accepted["result"] {
    const scope = `${request.caller}:${request.kind}`;
    const now = Date.now();
    if (!this.siteStored && this.store.getValue<string>("siteId") === undefined) this.store.setValue("siteId", request.site);
    const callKey = request.idempotencyKey;
    const resolution = resolveIdempotency(
      callKey ? { key: callKey, fingerprint: callFingerprint!, earlier: this.store.idempotencyEntry(scope, `call:${callKey}`) } : undefined,
      request.orders.map((order, index) => {
        const key = keyOf(order);
        return key
          ? { key, fingerprint: orderFingerprints[index]!, earlier: this.store.idempotencyEntry(scope, `order:${key}`) }
          : undefined;
      }),
    );
    if (!resolution.ok) return resolution;
    if ("replay" in resolution.value) return { ok: true, value: { ids: resolution.value.replay, fresh: 0 } };
    const { plan } = resolution.value;
    const keyUseAt = now - (this.keyUseWritten.get(request.caller) ?? 0) >= KEY_USE_EVERY_MS ? now : undefined;
    if (keyUseAt !== undefined)
      this.store.setValue("keyUse", { ...this.store.getValue<Record<string, number>>("keyUse"), [request.caller]: keyUseAt });
    const freshIds = this.store.insert(
      plan.fresh.map((index) => ({
        orderNumber: request.orders[index]!.orderNumber,
        kind: request.kind,
        origin: request.origin,
        input: inputs[index]!,
      })),
      request.requestId,
      now,
    );
    const ids = changeIdsOf(plan, freshIds);
    for (const { key, fingerprint, index } of plan.newKeys)
      this.store.rememberIdempotency(scope, `order:${key}`, fingerprint, [ids[index]!], now);
    if (callKey) this.store.rememberIdempotency(scope, `call:${callKey}`, callFingerprint!, ids, now);
    return { ok: true, value: { ids, fresh: freshIds.length, ...(keyUseAt === undefined ? {} : { keyUseAt }) } };
  }

  status(orderNumbers: string[]): OrderStatus[] {
    return this.records.status(orderNumbers);
  }

  /** Which of these deals Calltouch holds, as far as the ledger knows: creates of them go as updates. */
  known(orderNumbers: string[]): string[] {
    return this.records.known(orderNumbers);
  }

  // --- operators ---

  list(state: ChangeState, limit: number, after: number): ChangeRecord[] {
    return this.records.list(state, limit, after);
  }

  async replay(selector: { changeIds?: number[]; orderNumbers?: string[] }): Promise<Replayed> {
    const answer = this.ctx.storage.transactionSync(() => this.records.replay(selector, Date.now()));
    if (answer.replayed.length > 0) {
      log("info", "replayed", { changeIds: answer.replayed });
      await this.kick();
    }
    if (answer.refused.length > 0) log("warn", "replay refused", { changeIds: answer.refused.map((refusal) => refusal.changeId) });
    return answer;
  }

  stats(): DeliveryStats {
    const pause = this.store.getValue<Pause>("pause");
    return {
      ...this.records.stats(Date.now()),
      paused: pause ? { reason: pause.reason, since: new Date(pause.since).toISOString() } : null,
    };
  }

  /** `stats()` with the per-minute counts: delivered since `dayStart` (the site's midnight), and the last 24 hours. */
  overview(site: string, dayStart: number): SiteOverview {
    return { site, ...this.stats(), ...this.operators.counts(Date.now(), dayStart) };
  }

  deadReasons(): DeadReason[] {
    return this.operators.deadReasons();
  }

  deadLetters(reason: string, limit: number, after: number): DeadLetter[] {
    return this.operators.deadLetters(reason, limit, after, this.settings().calltouch);
  }

  /** Replays every dead letter of a reason, as `replay` does each. */
  replayReason(reason: string): Promise<Replayed> {
    return this.replay({ changeIds: this.operators.deadIdsOf(reason) });
  }

  /** The deals whose changes carry `phone` (E.164 digits), most recent first, as `status` tells them. */
  dealsWithPhone(phone: string, limit: number): OrderStatus[] {
    return this.records.status(this.operators.dealsWithPhone(phone, limit));
  }

  /** When each key last had a change accepted here (to the minute), by key id. */
  keyUse(): Record<string, number> {
    return this.store.getValue<Record<string, number>>("keyUse") ?? {};
  }

  /** Lifts a pause now, for an operator who fixed the configuration on Calltouch's side. */
  async resume(): Promise<boolean> {
    const paused = this.ctx.storage.transactionSync(() => this.flusher.lift("delivery resumed by an operator"));
    if (paused) await this.kick();
    return paused;
  }

  /** Clears what the ledger believes of these deals (for a deal deleted in Calltouch by hand); answers those it knew. */
  forget(orderNumbers: string[]): string[] {
    const forgotten = this.ctx.storage.transactionSync(() => orderNumbers.filter((orderNumber) => this.store.forget(orderNumber)));
    if (forgotten.length > 0) log("info", "ledger entries cleared by an operator", { orderNumbers: forgotten });
    return forgotten;
  }

  /** Erases these deals' personal data on request (see `OutboxRecords.purge`). */
  purge(orderNumbers: string[]): Result<{ orderNumber: string; changes: number; idempotencyKeys: number }[], OperatorRefusal> {
    const result = this.ctx.storage.transactionSync(() => this.records.purge(orderNumbers));
    if (result.ok) log("info", "personal data purged on request", { deals: result.value.length });
    this.wakeWaiters();
    return result;
  }

  // --- delivery ---

  override async alarm(): Promise<void> {
    const result = readSettings(this.env);
    if (!result.ok) {
      log("error", "outbox cannot deliver: gateway misconfigured", { problems: result.problems });
      await this.ctx.storage.setAlarm(Date.now() + 60_000);
      return;
    }
    await this.flusher.flush(result.settings);
  }

  // --- helpers ---

  private settings(): Settings {
    const result = readSettings(this.env);
    if (!result.ok) throw new Error(`gateway misconfigured: ${result.problems.join("; ")}`);
    return result.settings;
  }

  /**
   * Makes the alarm run now unless it already will. The calls of a commit group are answered in one turn
   * and each asks: they share one look at the alarm. A call of a later turn looks again, since the flusher
   * may have moved the alarm after that look.
   */
  private kick(): Promise<void> {
    if (this.kicking === undefined) {
      this.kicking = (async () => {
        const at = await this.ctx.storage.getAlarm();
        if (at === null || at > Date.now()) await this.ctx.storage.setAlarm(Date.now());
      })();
      queueMicrotask(() => {
        this.kicking = undefined;
      });
    }
    return this.kicking;
  }

  private waitFor(ids: number[], ms: number): Promise<void> {
    if (ms <= 0 || this.records.settled(ids)) return Promise.resolve();
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
    for (const waiter of this.waiters) if (this.records.settled(waiter.ids)) waiter.resolve();
  }
}
