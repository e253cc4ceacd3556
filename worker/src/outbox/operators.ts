import {
  type ChangeKind,
  type CompileSettings,
  type DeadLetter,
  type DeadReason,
  MINUTE_EVENTS,
  type MinuteEvent,
  type SiteOverview,
} from "@calltouch-gateway/contract";
import { compileChange } from "./compile";
import { RECORD_QUERY, toRecord } from "./records";

type Row = Record<string, SqlStorageValue>;

const MINUTE = 60_000;
/** The minutes of the console's chart: the last 24 hours, the current minute last. */
export const CHART_MINUTES = 1440;

/**
 * What operators read of the outbox beyond its records: the per-minute counts, dead letters by reason
 * and deals by phone. Each reads an index (`migrations.ts`, step 3), never every change.
 */
export class OperatorRecords {
  constructor(private readonly sql: SqlStorage) {}

  /** The counts since `dayStart` and per minute over the 24 hours before `now`, beside `deliveries.stats`. */
  counts(now: number, dayStart: number): Pick<SiteOverview, "deliveredToday" | "perMinute"> {
    const last = Math.floor(now / MINUTE);
    const first = last - CHART_MINUTES + 1;
    const series = Object.fromEntries(MINUTE_EVENTS.map((event) => [event, new Array<number>(CHART_MINUTES).fill(0)])) as Record<
      MinuteEvent,
      number[]
    >;
    for (const row of this.sql.exec<{ minute: number; event: MinuteEvent; n: number }>(
      "SELECT minute, event, n FROM minute_counts WHERE minute >= ?",
      first,
    )) {
      if (row.minute <= last) series[row.event][row.minute - first] = row.n;
    }
    const deliveredToday = this.sql
      .exec<{ n: number | null }>(
        "SELECT SUM(n) AS n FROM minute_counts WHERE event = 'delivered' AND minute >= ?",
        Math.floor(dayStart / MINUTE),
      )
      .one().n;
    return { deliveredToday: deliveredToday ?? 0, perMinute: { from: new Date(first * MINUTE).toISOString(), ...series } };
  }

  /** Dead letters grouped by reason, the largest group first. */
  deadReasons(): DeadReason[] {
    return this.sql
      .exec<{ reason: string | null; n: number; latest: number }>(
        "SELECT reason, COUNT(*) AS n, MAX(settled_at) AS latest FROM changes WHERE state = 'dead' GROUP BY reason ORDER BY n DESC, reason",
      )
      .toArray()
      .map((row) => ({ reason: row.reason ?? "", count: row.n, latestAt: new Date(row.latest).toISOString() }));
  }

  /** One reason's dead letters, oldest first, each with the Calltouch JSON its order goes as. */
  deadLetters(reason: string, limit: number, after: number, settings: CompileSettings): DeadLetter[] {
    return this.sql
      .exec<Row>(
        `${RECORD_QUERY.replace("FROM changes c", ", c.input, c.reason FROM changes c")}
         WHERE c.state = 'dead' AND c.reason = ? AND c.id > ? ORDER BY c.id LIMIT ?`,
        reason,
        after,
        limit,
      )
      .toArray()
      .map((row) => {
        const record = toRecord(row);
        const sentAs = (row.sent_as ?? row.kind) as ChangeKind;
        const sent = compileChange(record.kind, sentAs, JSON.parse(row.input as string), settings, new Date(row.accepted_at as number));
        return { ...record, reason: row.reason as string, sent: sent as unknown as Record<string, unknown> };
      });
  }

  /** The ids of every dead letter of a reason, for replaying the whole group. */
  deadIdsOf(reason: string): number[] {
    return this.sql
      .exec<{ id: number }>("SELECT id FROM changes WHERE state = 'dead' AND reason = ? ORDER BY id", reason)
      .toArray()
      .map((row) => row.id);
  }

  /** The deals whose changes carry `phone` (E.164 digits), the most recently changed first. */
  dealsWithPhone(phone: string, limit: number): string[] {
    return this.sql
      .exec<{ order_number: string }>(
        `SELECT c.order_number FROM change_phones p JOIN changes c ON c.id = p.change_id
         WHERE p.phone = ? GROUP BY c.order_number ORDER BY MAX(c.id) DESC LIMIT ?`,
        phone,
        limit,
      )
      .toArray()
      .map((row) => row.order_number);
  }
}
