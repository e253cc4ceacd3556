import type { ChangeKind, ChangeOrigin, MinuteEvent } from "@calltouch-gateway/contract";
import { maskPersonalData } from "../mask";
import type { Hypothesis } from "./compile";
import type { Fate } from "./fate";
import type { Remembered } from "./idempotency";
import { reasonOf } from "./reason";

/** A change as the flusher needs it. */
export interface PendingChange {
  id: number;
  orderNumber: string;
  kind: ChangeKind;
  origin: ChangeOrigin;
  input: string;
  acceptedAt: number;
  /** When it became due: its acceptance, or the end of its last backoff. */
  dueAt: number;
  attempts: number;
  retries: number;
  cap: number | null;
  hypothesis: Hypothesis | null;
  flips: number;
  /** What the ledger says of the deal: unknown (`null`), or learned from which change (`learnedFrom: null`: a belief kept from before facts were). */
  ledger: { learnedFrom: number | null } | null;
  /** The request that brought the change, for logs. */
  requestId: string;
}

export interface NewChange {
  orderNumber: string;
  kind: ChangeKind;
  origin: ChangeOrigin;
  input: string;
}

type Row = Record<string, SqlStorageValue>;

/**
 * The outbox's SQLite database (schema: `migrations.ts`) as callers accept and the flusher sends changes;
 * `records.ts` has what callers and operators read and do. Synchronous, so that callers group them in one `transactionSync`.
 * Texts that may quote an order (Calltouch's refusals) are stored with phones and e-mails masked.
 */
export class OutboxStore {
  constructor(private readonly sql: SqlStorage) {}

  // --- accepting ---

  /**
   * Stores `changes` as queued, in their order, and answers their ids (increasing, so in the same order).
   * A statement per change cost the Durable Object more than SQLite's work of inserting it (a 1,000-deal call
   * held the object ~120 ms, during which no upstream answer is read), so several rows go as one JSON array in
   * one statement: one per `INSERT_CHUNK_CHARS` of inputs, within a bound value's 2 MB limit; a change
   * alone in its chunk (a single-order call, or an input too long to share one) goes as it is.
   */
  insert(changes: readonly NewChange[], requestId: string, now: number): number[] {
    return chunksOf(changes).flatMap((chunk) => {
      if (chunk.length === 1) {
        const [{ orderNumber, kind, origin, input }] = chunk as [NewChange];
        return this.sql
          .exec<{ id: number }>(
            `INSERT INTO changes (order_number, kind, origin, input, accepted_at, request_id, state, next_attempt_at)
             VALUES (?, ?, ?, ?, ?, ?, 'queued', ?) RETURNING id`,
            orderNumber,
            kind,
            origin,
            input,
            now,
            requestId,
            now,
          )
          .one().id;
      }
      const rows = JSON.stringify(chunk.map(({ orderNumber, kind, origin, input }) => [orderNumber, kind, origin, input]));
      // Rows are inserted in the array's order (`ORDER BY key`), and AUTOINCREMENT gives each a larger id than
      // the one before; RETURNING's order is SQLite's to choose, so the ids are sorted back into it.
      return this.sql
        .exec<{ id: number }>(
          `INSERT INTO changes (order_number, kind, origin, input, accepted_at, request_id, state, next_attempt_at)
           SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, ?, ?, 'queued', ? FROM json_each(?) ORDER BY key
           RETURNING id`,
          now,
          requestId,
          now,
          rows,
        )
        .toArray()
        .map(({ id }) => id)
        .sort((a, b) => a - b);
    });
  }

  idempotencyEntry(scope: string, key: string): Remembered | undefined {
    const row = this.sql
      .exec<{ fingerprint: string; change_ids: string }>(
        "SELECT fingerprint, change_ids FROM idempotency WHERE scope = ? AND key = ?",
        scope,
        key,
      )
      .toArray()[0];
    return row && { fingerprint: row.fingerprint, changeIds: JSON.parse(row.change_ids) as number[] };
  }

  rememberIdempotency(scope: string, key: string, fingerprint: string, changeIds: number[], now: number): void {
    this.sql.exec(
      "INSERT INTO idempotency (scope, key, fingerprint, change_ids, created_at) VALUES (?, ?, ?, ?, ?)",
      scope,
      key,
      fingerprint,
      JSON.stringify(changeIds),
      now,
    );
  }

  // --- flushing ---

  /**
   * The changes of `origin` that may be sent now: queued, due, and each the oldest unsettled change of its
   * deal (so that a deal's changes go one at a time, in the order they were accepted).
   */
  ready(origin: ChangeOrigin, now: number, limit: number): PendingChange[] {
    return this.sql
      .exec<Row>(
        `SELECT c.*, l.order_number IS NOT NULL AS known, l.learned_from
         FROM changes c LEFT JOIN ledger l ON l.order_number = c.order_number
         WHERE c.state = 'queued' AND c.origin = ? AND c.next_attempt_at <= ? AND ${IS_HEAD}
         ORDER BY c.id LIMIT ?`,
        origin,
        now,
        limit,
      )
      .toArray()
      .map(toPending);
  }

  /**
   * When the next change that can actually be sent is due: queued and the oldest unsettled change of its
   * deal (a change held behind an earlier one is not, however long it has waited); `null` when none is.
   */
  nextDue(): number | null {
    return this.sql
      .exec<{ due: number | null }>(`SELECT MIN(c.next_attempt_at) AS due FROM changes c WHERE c.state = 'queued' AND ${IS_HEAD}`)
      .one().due;
  }

  /** Whether any change waits in the queue, due or not. */
  anyQueued(): boolean {
    return this.sql.exec("SELECT 1 FROM changes WHERE state = 'queued' LIMIT 1").toArray().length > 0;
  }

  /** Marks a batch as sent, in one statement: the object reads no upstream answer while it writes. */
  markInFlight(ids: readonly number[], sentAs: ChangeKind): void {
    this.sql.exec(
      "UPDATE changes SET state = 'in_flight', attempts = attempts + 1, sent_as = ? WHERE id IN (SELECT value FROM json_each(?))",
      sentAs,
      JSON.stringify(ids),
    );
  }

  /**
   * Stores what `fate` decided for each change of a request that was sent; answers, per change, the reason
   * of a dead change when no other dead change has it. The delivered ones, nearly all of a request as a
   * rule, go in four statements together instead of three each; a request's changes are of distinct deals.
   */
  settleAll(settled: readonly { change: PendingChange; fate: Fate }[], now: number): (string | undefined)[] {
    const delivered = settled.flatMap(({ change, fate }) => (fate.to === "delivered" ? [{ change, fate }] : []));
    if (delivered.length > 0) this.deliver(delivered, now);
    return settled.map(({ change, fate }) => (fate.to === "delivered" ? undefined : this.settle(change, fate, now)));
  }

  private deliver(delivered: readonly { change: PendingChange; fate: Extract<Fate, { to: "delivered" }> }[], now: number): void {
    this.sql.exec(
      `UPDATE changes SET state = 'delivered', calltouch_order_id = d.value ->> 1, settled_at = ?, error = NULL, hypothesis = NULL
       FROM json_each(?) d WHERE changes.id = d.value ->> 0`,
      now,
      JSON.stringify(delivered.map(({ change, fate }) => [change.id, fate.calltouchOrderId ?? null])),
    );
    const learned = delivered.filter(({ fate }) => fate.ledger === "learn");
    if (learned.length > 0) {
      this.sql.exec(
        `INSERT INTO ledger (order_number, calltouch_order_id, created_at, learned_at, learned_from)
         SELECT value ->> 0, value ->> 1, ?, ?, value ->> 2 FROM json_each(?) WHERE true
         ON CONFLICT (order_number) DO UPDATE SET calltouch_order_id = COALESCE(excluded.calltouch_order_id, calltouch_order_id),
           learned_at = excluded.learned_at, learned_from = excluded.learned_from`,
        now,
        now,
        JSON.stringify(learned.map(({ change, fate }) => [change.orderNumber, fate.calltouchOrderId ?? null, change.id])),
      );
    }
    const forgotten = delivered.filter(({ fate }) => fate.ledger === "forget");
    if (forgotten.length > 0) {
      this.sql.exec(
        "DELETE FROM ledger WHERE order_number IN (SELECT value FROM json_each(?))",
        JSON.stringify(forgotten.map(({ change }) => change.orderNumber)),
      );
    }
    this.count("delivered", now, delivered.length);
  }

  /** Stores what `fate` decided for a change that was sent and not delivered; answers the reason of a dead change when no other dead change has it. */
  private settle(change: PendingChange, fate: Exclude<Fate, { to: "delivered" }>, now: number): string | undefined {
    switch (fate.to) {
      case "dead": {
        const first = this.dead(change.id, fate.reason, now);
        if (fate.doubtLedger) this.sql.exec("UPDATE ledger SET learned_from = NULL WHERE order_number = ?", change.orderNumber);
        return first;
      }
      case "queued":
        this.sql.exec(
          `UPDATE changes SET state = 'queued', next_attempt_at = ?, error = ?, retries = ?, flips = ?, hypothesis = ?, cap = COALESCE(?, cap)
           WHERE id = ?`,
          fate.at,
          maskPersonalData(fate.note),
          fate.retries,
          fate.flips,
          fate.hypothesis,
          fate.cap ?? null,
          change.id,
        );
        if (fate.forgetBelief) this.sql.exec("DELETE FROM ledger WHERE order_number = ? AND learned_from IS NULL", change.orderNumber);
        this.count("retried", now);
    }
    return undefined;
  }

  /** Parks a change as dead; answers its reason (as grouped) when no other dead change has it: a new reason. */
  dead(id: number, reason: string, now: number): string | undefined {
    const error = maskPersonalData(reason);
    const grouped = reasonOf(error);
    const known = this.sql.exec("SELECT 1 FROM changes WHERE state = 'dead' AND reason = ? LIMIT 1", grouped).toArray().length > 0;
    this.sql.exec("UPDATE changes SET state = 'dead', error = ?, reason = ?, settled_at = ? WHERE id = ?", error, grouped, now, id);
    this.count("dead", now);
    return known ? undefined : grouped;
  }

  /** When the latest `limit` changes were accepted, whatever became of them: the pace a batch lingers for (`batch.ts`). */
  arrivals(limit: number): number[] {
    return this.sql
      .exec<{ at: number }>("SELECT accepted_at AS at FROM changes ORDER BY id DESC LIMIT ?", limit)
      .toArray()
      .map(({ at }) => at);
  }

  /** The oldest queued change's acceptance time, if any waits (the first by id: the `(state, id)` index finds it). */
  oldestQueuedAt(): number | undefined {
    return this.sql.exec<{ at: number }>("SELECT accepted_at AS at FROM changes WHERE state = 'queued' ORDER BY id LIMIT 1").toArray()[0]
      ?.at;
  }

  /** `n` more `event`s in this minute's count: called in the transaction of the state change it counts. */
  private count(event: MinuteEvent, now: number, n = 1): void {
    this.sql.exec(
      "INSERT INTO minute_counts (minute, event, n) VALUES (?, ?, ?) ON CONFLICT (minute, event) DO UPDATE SET n = n + excluded.n",
      Math.floor(now / 60_000),
      event,
      n,
    );
  }

  /** Clears what the ledger knows of a deal (a delivered delete, or an operator); answers whether it knew it. */
  forget(orderNumber: string): boolean {
    return this.sql.exec("DELETE FROM ledger WHERE order_number = ?", orderNumber).rowsWritten > 0;
  }

  /**
   * Changes left in flight by an instance that stopped mid-request: their outcome is unknown, so they go
   * again (a deal's create as an update first, a delete in doubt), and each counts a failed attempt.
   */
  recoverInFlight(now: number): number {
    return this.sql.exec(
      `UPDATE changes SET state = 'queued', next_attempt_at = ?, retries = retries + 1,
              hypothesis = CASE WHEN sent_as = 'delete' OR (sent_as = 'create' AND origin = 'deal') THEN 'applied' ELSE hypothesis END,
              error = 'the gateway restarted while it was being sent; its outcome is unknown'
       WHERE state = 'in_flight'`,
      now,
    ).rowsWritten;
  }

  /** Gives failed attempts afresh to every queued change: after a pause, each gets its whole retry budget. */
  renewRetries(): void {
    this.sql.exec("UPDATE changes SET retries = 0 WHERE state = 'queued' AND retries > 0");
  }

  // --- site-wide values ---

  getValue<T>(key: string): T | undefined {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM site WHERE key = ?", key).toArray()[0];
    return row && (JSON.parse(row.value) as T);
  }

  setValue(key: string, value: unknown): void {
    if (value === undefined) this.sql.exec("DELETE FROM site WHERE key = ?", key);
    else this.sql.exec("INSERT OR REPLACE INTO site (key, value) VALUES (?, ?)", key, JSON.stringify(value));
  }
}

/**
 * The most characters of inputs one insert statement carries: a bound value may hold 2 MB on Cloudflare, and
 * a character takes up to 3 bytes of UTF-8 (a JSON escape of one, 6 ASCII bytes).
 */
export const INSERT_CHUNK_CHARS = 256 * 1024;

/** `changes` in runs whose inputs hold at most `INSERT_CHUNK_CHARS` characters together (a longer input alone). */
function chunksOf(changes: readonly NewChange[]): NewChange[][] {
  const chunks: NewChange[][] = [];
  let chars = Number.POSITIVE_INFINITY;
  for (const change of changes) {
    const size = change.input.length + change.orderNumber.length;
    if (chars + size > INSERT_CHUNK_CHARS) {
      chunks.push([]);
      chars = 0;
    }
    chunks.at(-1)!.push(change);
    chars += size;
  }
  return chunks;
}

/** A change is the head of its deal: no earlier change of the deal is queued or in flight. */
const IS_HEAD = `NOT EXISTS (SELECT 1 FROM changes p WHERE p.order_number = c.order_number AND p.id < c.id AND p.state IN ('queued', 'in_flight'))`;

function toPending(row: Row): PendingChange {
  return {
    id: row.id as number,
    orderNumber: row.order_number as string,
    kind: row.kind as ChangeKind,
    origin: row.origin as ChangeOrigin,
    input: row.input as string,
    acceptedAt: row.accepted_at as number,
    dueAt: row.next_attempt_at as number,
    attempts: row.attempts as number,
    retries: row.retries as number,
    cap: row.cap as number | null,
    hypothesis: row.hypothesis as Hypothesis | null,
    flips: row.flips as number,
    ledger: row.known === 1 ? { learnedFrom: row.learned_from as number | null } : null,
    requestId: row.request_id as string,
  };
}
