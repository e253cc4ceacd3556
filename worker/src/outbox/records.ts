import {
  CHANGE_STATES,
  type ChangeKind,
  type ChangeOrigin,
  type ChangeRecord,
  type ChangeState,
  type DeliveryStats,
  type OrderStatus,
  type Receipt,
} from "@calltouch-gateway/contract";
import type { Result } from "../result";

type Row = Record<string, SqlStorageValue>;

/** How long the outbox keeps what it no longer needs, in ms. */
export interface Retention {
  /** Delivered changes and idempotency keys (`RETENTION_DAYS`). */
  deliveredMs: number;
  /** Dead changes (`DEAD_RETENTION_DAYS`). */
  deadMs: number;
  /** The ledger's entry of a deal, from the last fact learned of it (`LEDGER_RETENTION_DAYS`). */
  ledgerMs: number;
}

/** Why an operator's request was refused. */
export interface OperatorRefusal {
  kind: "conflict";
  message: string;
}

/** How long the per-minute counts are kept: the console's chart shows 24 hours, and "today" may start 24 hours ago in any time zone. */
export const COUNTS_KEPT_MS = 48 * 3_600_000;

const toIso = (ms: SqlStorageValue | undefined) => (typeof ms === "number" ? new Date(ms).toISOString() : undefined);

/**
 * What callers and operators read of the outbox (receipts, statuses, lists, counts), and what operators
 * do to it (replay, forget, purge, prune). Synchronous, like `store.ts`, over the same database.
 */
export class OutboxRecords {
  constructor(private readonly sql: SqlStorage) {}

  /**
   * The receipts of `ids`, in their order (an id may repeat: a call that names one deal's earlier change
   * twice). One query for all: a query per id held the Durable Object ~25 ms for a 1,000-deal call.
   */
  receipts(ids: readonly number[]): Receipt[] {
    const rows = new Map(
      this.sql
        .exec<Row>(`${RECORD_QUERY} WHERE c.id IN (SELECT value FROM json_each(?))`, JSON.stringify(ids))
        .toArray()
        .map((row) => [row.id as number, row]),
    );
    return ids.map((id) => {
      const row = rows.get(id);
      if (row === undefined) throw new Error(`change ${id} is not stored`);
      return toReceipt(row);
    });
  }

  /** Whether every one of `ids` is delivered or dead (or gone: purged). */
  settled(ids: readonly number[]): boolean {
    return ids.every((id) => {
      const row = this.sql.exec<{ state: ChangeState }>("SELECT state FROM changes WHERE id = ?", id).toArray()[0];
      return row === undefined || row.state === "delivered" || row.state === "dead";
    });
  }

  status(orderNumbers: readonly string[]): OrderStatus[] {
    return orderNumbers.map((orderNumber) => {
      const changes = this.sql.exec<Row>(`${RECORD_QUERY} WHERE c.order_number = ? ORDER BY c.id`, orderNumber).toArray().map(toRecord);
      const entry = this.sql
        .exec<{ calltouch_order_id: number | null; learned_at: number; learned_from: number | null }>(
          "SELECT calltouch_order_id, learned_at, learned_from FROM ledger WHERE order_number = ?",
          orderNumber,
        )
        .toArray()[0];
      return {
        orderNumber,
        state: changes.at(-1)?.state ?? "unknown",
        ...(entry?.calltouch_order_id == null ? {} : { calltouchOrderId: entry.calltouch_order_id }),
        ledger: entry
          ? {
              ...(entry.calltouch_order_id === null ? {} : { calltouchOrderId: entry.calltouch_order_id }),
              since: toIso(entry.learned_at)!,
              ...(entry.learned_from === null ? {} : { learnedFrom: entry.learned_from }),
            }
          : null,
        changes,
      };
    });
  }

  /** Which of these deals the ledger knows. */
  known(orderNumbers: readonly string[]): string[] {
    return orderNumbers.filter(
      (orderNumber) => this.sql.exec("SELECT 1 FROM ledger WHERE order_number = ?", orderNumber).toArray().length > 0,
    );
  }

  list(state: ChangeState, limit: number, after: number): ChangeRecord[] {
    return this.sql
      .exec<Row>(`${RECORD_QUERY} WHERE c.state = ? AND c.id > ? ORDER BY c.id LIMIT ?`, state, after, limit)
      .toArray()
      .map(toRecord);
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

  /**
   * Puts dead changes back in the queue with a fresh retry budget, to be decided again from facts (a
   * hypothesis formed from Calltouch's words is dropped; a doubt, which is a fact, stays). A change is
   * refused when a later change of its deal was delivered or is in flight: sent now, the old change
   * would overwrite it. A later change still queued waits behind it, as it did when both were accepted.
   */
  replay(
    selector: { changeIds?: readonly number[]; orderNumbers?: readonly string[] },
    now: number,
  ): { replayed: number[]; refused: { changeId: number; reason: string }[] } {
    const byOrder = (selector.orderNumbers ?? []).flatMap((orderNumber) =>
      this.sql
        .exec<{ id: number }>("SELECT id FROM changes WHERE order_number = ? AND state = 'dead' ORDER BY id", orderNumber)
        .toArray()
        .map((row) => row.id),
    );
    const replayed: number[] = [];
    const refused: { changeId: number; reason: string }[] = [];
    for (const id of [...new Set([...(selector.changeIds ?? []), ...byOrder])]) {
      const later = this.sql
        .exec<{ id: number; state: ChangeState; order_number: string }>(
          `SELECT l.id, l.state, l.order_number FROM changes c JOIN changes l ON l.order_number = c.order_number AND l.id > c.id
           WHERE c.id = ? AND c.state = 'dead' AND l.state IN ('delivered', 'in_flight') ORDER BY l.id DESC LIMIT 1`,
          id,
        )
        .toArray()[0];
      if (later) {
        const what = later.state === "delivered" ? "was delivered" : "is being sent";
        const reason = `change ${later.id} of deal ${later.order_number}, accepted after it, ${what}: replaying change ${id} would overwrite it; send the deal's current state as a new change instead`;
        refused.push({ changeId: id, reason });
        continue;
      }
      const written = this.sql.exec(
        `UPDATE changes SET state = 'queued', retries = 0, flips = 0, cap = NULL, next_attempt_at = ?, settled_at = NULL, reason = NULL,
                hypothesis = CASE hypothesis WHEN 'applied' THEN 'applied' END
         WHERE id = ? AND state = 'dead'`,
        now,
        id,
      ).rowsWritten;
      if (written > 0) replayed.push(id);
    }
    return { replayed, refused };
  }

  /**
   * Erases what the outbox holds of these deals' personal data: every change (inputs, Calltouch's texts;
   * queued ones are cancelled) and the idempotency records that point at them. The ledger's entry, which
   * holds only the deal's number and Calltouch's id, stays. Refused while a change of a deal is in flight.
   */
  purge(orderNumbers: readonly string[]): Result<{ orderNumber: string; changes: number; idempotencyKeys: number }[], OperatorRefusal> {
    const busy = orderNumbers.filter(
      (orderNumber) =>
        this.sql.exec("SELECT 1 FROM changes WHERE order_number = ? AND state = 'in_flight'", orderNumber).toArray().length > 0,
    );
    if (busy.length > 0) {
      return {
        ok: false,
        error: { kind: "conflict", message: `a change of deal ${busy.join(", ")} is being sent right now; purge again in a few seconds` },
      };
    }
    const purged = orderNumbers.map((orderNumber) => {
      const idempotencyKeys = this.sql.exec(
        `DELETE FROM idempotency WHERE EXISTS (SELECT 1 FROM json_each(idempotency.change_ids) j
           JOIN changes c ON c.id = j.value WHERE c.order_number = ?)`,
        orderNumber,
      ).rowsWritten;
      // Counted by RETURNING: rowsWritten would count the phone index's rows that its trigger deletes too.
      const changes = this.sql.exec("DELETE FROM changes WHERE order_number = ? RETURNING id", orderNumber).toArray().length;
      return { orderNumber, changes, idempotencyKeys };
    });
    return { ok: true, value: purged };
  }

  /** Forgets what is older than its retention: delivered and dead changes, idempotency keys, ledger entries. */
  prune(now: number, retention: Retention): void {
    this.sql.exec("DELETE FROM changes WHERE state = 'delivered' AND settled_at < ?", now - retention.deliveredMs);
    this.sql.exec("DELETE FROM changes WHERE state = 'dead' AND settled_at < ?", now - retention.deadMs);
    // A key must not outlive the changes it answers with.
    this.sql.exec("DELETE FROM idempotency WHERE created_at < ?", now - Math.min(retention.deliveredMs, retention.deadMs));
    this.sql.exec("DELETE FROM ledger WHERE learned_at < ?", now - retention.ledgerMs);
    this.sql.exec("DELETE FROM minute_counts WHERE minute < ?", Math.floor((now - COUNTS_KEPT_MS) / 60_000));
  }
}

export const RECORD_QUERY = `SELECT c.id, c.order_number, c.kind, c.origin, c.sent_as, c.state, c.attempts, c.accepted_at, c.next_attempt_at,
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

export function toRecord(row: Row): ChangeRecord {
  return {
    ...toReceipt(row),
    kind: row.kind as ChangeKind,
    origin: row.origin as ChangeOrigin,
    ...(row.sent_as === null ? {} : { sentAs: row.sent_as as ChangeKind }),
    acceptedAt: toIso(row.accepted_at)!,
    ...(row.state === "queued" ? { nextAttemptAt: toIso(row.next_attempt_at)! } : {}),
    requestId: row.request_id as string,
  };
}
