import { maxInAnySecond } from "./rate-limit";

/** What became of a request to a Calltouch path. */
export const OUTCOMES = ["ok", "invalid", "auth", "throttled", "fault", "timeout", "not_found"] as const;
/** One of {@link OUTCOMES}. */
export type Outcome = (typeof OUTCOMES)[number];

/** An answer as the simulator decided it. */
export interface Reply {
  status: number;
  body: unknown;
  /** Headers besides Content-Type, e.g. a throttle's `Retry-After`. */
  headers?: Record<string, string>;
}

/** One request to a Calltouch path, as received and as answered. */
export interface LoggedRequest {
  seq: number;
  /** Epoch ms when the simulator received it. */
  at: number;
  method: string;
  path: string;
  /** The query string, `?` included; empty when there was none. */
  query: string;
  /** Every header as received (names lower-cased by the Fetch API). */
  headers: Record<string, string>;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
  status: number;
  outcome: Outcome;
  response: unknown;
  /** The answer's headers besides Content-Type, when it had any (`Retry-After`). */
  responseHeaders?: Record<string, string>;
  /** The site whose credentials the request carried, once they passed auth. */
  siteId?: string;
  /** How long the answer was held back (`latencyMs`, plus `timeoutMs` for a timeout). */
  heldMs: number;
  /** With `timeoutApplies`: the answer the request earned and the caller never got. */
  lostResponse?: Reply;
}

/** Which entries `GET /__simulator/requests` lists. */
export interface LogFilter {
  /** Only paths containing this text, e.g. `create`. */
  path?: string | undefined;
  /** Only entries with a greater `seq`. */
  since?: number | undefined;
  outcome?: Outcome | undefined;
}

/** Counts over the whole log. */
export interface LogStats {
  requests: number;
  byOutcome: Record<Outcome, number>;
  /** The most requests that arrived in any 1000 ms: all of them, and those that got past auth and the limits. */
  maxInAnySecond: { all: number; admitted: number };
}

// Refused before the limiter counted them: they do not spend Calltouch's capacity.
const NOT_ADMITTED: ReadonlySet<Outcome> = new Set(["auth", "throttled", "not_found"]);

/** The request log, in the Durable Object's SQLite storage (table `requests`, see `migrations.ts`). */
export class RequestLog {
  constructor(private readonly sql: SqlStorage) {}

  /** Records one answered request. */
  append(entry: LoggedRequest): void {
    this.sql.exec(
      "INSERT INTO requests (seq, at, path, outcome, entry) VALUES (?, ?, ?, ?, ?)",
      entry.seq,
      entry.at,
      entry.path,
      entry.outcome,
      JSON.stringify(entry),
    );
  }

  /** The entries `filter` selects, in the order received. */
  list(filter: LogFilter): LoggedRequest[] {
    return this.sql
      .exec<{ entry: string }>(
        `SELECT entry FROM requests
         WHERE seq > ?1 AND (?2 IS NULL OR instr(path, ?2) > 0) AND (?3 IS NULL OR outcome = ?3)
         ORDER BY seq`,
        filter.since ?? 0,
        filter.path ?? null,
        filter.outcome ?? null,
      )
      .toArray()
      .map((row) => JSON.parse(row.entry) as LoggedRequest);
  }

  /** How many entries there are. */
  count(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM requests").one().n;
  }

  /** Forgets every entry. */
  clear(): void {
    this.sql.exec("DELETE FROM requests");
  }

  /** Counts by outcome and the peak rate. */
  stats(): LogStats {
    const rows = this.sql.exec<{ at: number; outcome: string }>("SELECT at, outcome FROM requests ORDER BY seq").toArray();
    const byOutcome = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
    for (const { outcome } of rows) byOutcome[outcome as Outcome] += 1;
    // seq order is arrival order, and `at` never decreases along it.
    const admitted = rows.filter((row) => !NOT_ADMITTED.has(row.outcome as Outcome)).map((row) => row.at);
    return {
      requests: rows.length,
      byOutcome,
      maxInAnySecond: { all: maxInAnySecond(rows.map((row) => row.at)), admitted: maxInAnySecond(admitted) },
    };
  }
}
