import {
  CHANGE_STATES,
  type ChangeKind,
  type ChangeRecord,
  type ChangeState,
  type DeliveryStats,
  type OrderStatus,
  type Receipt,
} from "@calltouch-gateway/contract";
import { SCHEMA } from "./schema";

/** A change as the flusher needs it. */
export interface PendingChange {
  id: number;
  orderNumber: string;
  kind: ChangeKind;
  input: string;
  acceptedAt: number;
  /** When it became due: its acceptance, or the end of its last backoff. */
  dueAt: number;
  attempts: number;
  giveUpAt: number;
  solo: boolean;
  /** Whether the ledger says Calltouch already holds the deal. */
  known: boolean;
  /** The request that brought the change, for logs. */
  requestId: string;
}

export interface NewChange {
  orderNumber: string;
  kind: ChangeKind;
  input: string;
}

type Row = Record<string, SqlStorageValue>;

const toIso = (ms: SqlStorageValue | undefined) => (typeof ms === "number" ? new Date(ms).toISOString() : undefined);

/**
 * Every read and write of the outbox's SQLite database. Synchronous, so that callers can group them in
 * one `transactionSync`.
 */
export class OutboxStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  // --- accepting ---

  insert(changes: readonly NewChange[], requestId: string, now: number, giveUpAt: number): number[] {
    return changes.map(
      (change) =>
        this.sql
          .exec<{ id: number }>(
            `INSERT INTO changes (order_number, kind, input, accepted_at, request_id, state, next_attempt_at, give_up_at)
             VALUES (?, ?, ?, ?, ?, 'queued', ?, ?) RETURNING id`,
            change.orderNumber,
            change.kind,
            change.input,
            now,
            requestId,
            now,
            giveUpAt,
          )
          .one().id,
    );
  }

  idempotencyEntry(scope: string, key: string): { fingerprint: string; changeIds: number[] } | undefined {
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
   * The changes that may be sent now: queued, due, and each the oldest unsettled change of its order
   * (so that an order's changes go one at a time, in the order they were accepted).
   */
  ready(now: number, limit: number): PendingChange[] {
    return this.sql
      .exec<Row>(
        `SELECT c.id, c.order_number, c.kind, c.input, c.accepted_at, c.next_attempt_at, c.attempts, c.give_up_at, c.solo,
                c.request_id, l.order_number IS NOT NULL AS known
         FROM changes c LEFT JOIN ledger l ON l.order_number = c.order_number
         WHERE c.state = 'queued' AND c.next_attempt_at <= ?
           AND NOT EXISTS (SELECT 1 FROM changes p
                           WHERE p.order_number = c.order_number AND p.id < c.id AND p.state IN ('queued', 'in_flight'))
         ORDER BY c.id LIMIT ?`,
        now,
        limit,
      )
      .toArray()
      .map((row) => ({
        id: row.id as number,
        orderNumber: row.order_number as string,
        kind: row.kind as ChangeKind,
        input: row.input as string,
        acceptedAt: row.accepted_at as number,
        dueAt: row.next_attempt_at as number,
        attempts: row.attempts as number,
        giveUpAt: row.give_up_at as number,
        solo: row.solo === 1,
        known: row.known === 1,
        requestId: row.request_id as string,
      }));
  }

  /** When the next queued change is due, or `null` when none is queued. */
  nextDue(): number | null {
    const row = this.sql.exec<{ due: number | null }>("SELECT MIN(next_attempt_at) AS due FROM changes WHERE state = 'queued'").one();
    return row.due;
  }

  markInFlight(ids: readonly number[], sentAs: ChangeKind): void {
    for (const id of ids) {
      this.sql.exec("UPDATE changes SET state = 'in_flight', attempts = attempts + 1, sent_as = ? WHERE id = ?", sentAs, id);
    }
  }

  delivered(change: PendingChange, calltouchOrderId: number | undefined, now: number): void {
    this.sql.exec(
      "UPDATE changes SET state = 'delivered', calltouch_order_id = ?, settled_at = ?, error = NULL WHERE id = ?",
      calltouchOrderId ?? null,
      now,
      change.id,
    );
    this.know(change.orderNumber, calltouchOrderId, now);
  }

  /** Records that Calltouch holds the deal, with its id when known. */
  know(orderNumber: string, calltouchOrderId: number | undefined, now: number): void {
    this.sql.exec(
      `INSERT INTO ledger (order_number, calltouch_order_id, created_at) VALUES (?, ?, ?)
       ON CONFLICT (order_number) DO UPDATE SET calltouch_order_id = COALESCE(excluded.calltouch_order_id, calltouch_order_id)`,
      orderNumber,
      calltouchOrderId ?? null,
      now,
    );
  }

  isKnown(orderNumber: string): boolean {
    return this.sql.exec("SELECT 1 FROM ledger WHERE order_number = ?", orderNumber).toArray().length > 0;
  }

  dead(id: number, error: string, now: number): void {
    this.sql.exec("UPDATE changes SET state = 'dead', error = ?, settled_at = ? WHERE id = ?", error, now, id);
  }

  /** Back to the queue, due at `at`; `countAttempt: false` gives back the attempt the failed send took. */
  requeue(id: number, at: number, options: { error?: string; solo?: boolean; countAttempt?: boolean } = {}): void {
    this.sql.exec(
      `UPDATE changes SET state = 'queued', next_attempt_at = ?, error = COALESCE(?, error),
              solo = MAX(solo, ?), attempts = attempts - ? WHERE id = ?`,
      at,
      options.error ?? null,
      options.solo ? 1 : 0,
      options.countAttempt === false ? 1 : 0,
      id,
    );
  }

  /** Changes left in flight by an instance that stopped mid-request: their fate is unknown, so they go again. */
  recoverInFlight(now: number): number {
    return this.sql.exec("UPDATE changes SET state = 'queued', next_attempt_at = ? WHERE state = 'in_flight'", now).rowsWritten;
  }

  // --- reading ---

  receipts(ids: readonly number[]): Receipt[] {
    return ids.map((id) => toReceipt(this.sql.exec<Row>(`${RECORD_QUERY} WHERE c.id = ?`, id).one()));
  }

  /** Whether every one of `ids` is delivered or dead. */
  settled(ids: readonly number[]): boolean {
    return ids.every((id) => {
      const { state } = this.sql.exec<{ state: ChangeState }>("SELECT state FROM changes WHERE id = ?", id).one();
      return state === "delivered" || state === "dead";
    });
  }

  status(orderNumbers: readonly string[]): OrderStatus[] {
    return orderNumbers.map((orderNumber) => {
      const changes = this.sql.exec<Row>(`${RECORD_QUERY} WHERE c.order_number = ? ORDER BY c.id`, orderNumber).toArray().map(toRecord);
      const ledger = this.sql
        .exec<{ calltouch_order_id: number | null }>("SELECT calltouch_order_id FROM ledger WHERE order_number = ?", orderNumber)
        .toArray()[0];
      return {
        orderNumber,
        state: changes.at(-1)?.state ?? "unknown",
        ...(ledger?.calltouch_order_id == null ? {} : { calltouchOrderId: ledger.calltouch_order_id }),
        changes,
      };
    });
  }

  list(state: ChangeState, limit: number, after: number): ChangeRecord[] {
    return this.sql
      .exec<Row>(`${RECORD_QUERY} WHERE c.state = ? AND c.id > ? ORDER BY c.id LIMIT ?`, state, after, limit)
      .toArray()
      .map(toRecord);
  }

  /** Puts dead changes back in the queue with a fresh attempt budget; answers the ids replayed. */
  replay(selector: { changeIds?: readonly number[]; orderNumbers?: readonly string[] }, now: number, giveUpAt: number): number[] {
    const ids = [
      ...(selector.changeIds ?? []),
      ...(selector.orderNumbers ?? []).flatMap((orderNumber) =>
        this.sql
          .exec<{ id: number }>("SELECT id FROM changes WHERE order_number = ? AND state = 'dead'", orderNumber)
          .toArray()
          .map((row) => row.id),
      ),
    ];
    return [...new Set(ids)].filter(
      (id) =>
        this.sql.exec(
          `UPDATE changes SET state = 'queued', attempts = 0, solo = 0, next_attempt_at = ?, give_up_at = ?, settled_at = NULL
           WHERE id = ? AND state = 'dead'`,
          now,
          giveUpAt,
          id,
        ).rowsWritten > 0,
    );
  }

  stats(now: number): Omit<DeliveryStats, "paused"> {
    const counts = Object.fromEntries(CHANGE_STATES.map((state) => [state, 0])) as Record<ChangeState, number>;
    for (const row of this.sql.exec<{ state: ChangeState; n: number }>("SELECT state, COUNT(*) AS n FROM changes GROUP BY state")) {
      counts[row.state] = row.n;
    }
    // Ids follow acceptance, so the oldest queued change is the first by id: the (state, id) index finds it
    // at once, where MIN(accepted_at) would read every queued row at each call.
    const oldest =
      this.sql.exec<{ at: number }>("SELECT accepted_at AS at FROM changes WHERE state = 'queued' ORDER BY id LIMIT 1").toArray()[0]?.at ??
      null;
    return {
      queued: counts.queued,
      inFlight: counts.in_flight,
      delivered: counts.delivered,
      dead: counts.dead,
      oldestQueuedAgeMs: oldest === null ? 0 : Math.max(0, now - oldest),
    };
  }

  /** Forgets delivered changes and idempotency keys older than `before`; dead changes stay for operators. */
  prune(before: number): void {
    this.sql.exec("DELETE FROM changes WHERE state = 'delivered' AND settled_at < ?", before);
    this.sql.exec("DELETE FROM idempotency WHERE created_at < ?", before);
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

const RECORD_QUERY = `SELECT c.id, c.order_number, c.kind, c.sent_as, c.state, c.attempts, c.accepted_at, c.next_attempt_at,
                             c.settled_at, c.calltouch_order_id, c.error, c.request_id
                      FROM changes c`;

function toReceipt(row: Row): Receipt {
  const state = row.state as ChangeState;
  return {
    orderNumber: row.order_number as string,
    changeId: row.id as number,
    state,
    attempts: row.attempts as number,
    ...(row.calltouch_order_id === null ? {} : { calltouchOrderId: row.calltouch_order_id as number }),
    ...(state === "delivered" ? { deliveredAt: toIso(row.settled_at)! } : {}),
    ...(row.error === null || state === "delivered" ? {} : { error: row.error as string }),
  };
}

function toRecord(row: Row): ChangeRecord {
  return {
    ...toReceipt(row),
    kind: row.kind as ChangeKind,
    ...(row.sent_as === null ? {} : { sentAs: row.sent_as as ChangeKind }),
    acceptedAt: toIso(row.accepted_at)!,
    ...(row.state === "queued" ? { nextAttemptAt: toIso(row.next_attempt_at)! } : {}),
    requestId: row.request_id as string,
  };
}
