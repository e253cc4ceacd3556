/**
 * The outbox's SQLite schema, one database per Calltouch site (one Durable Object each). Documented in
 * `worker/src/outbox/README.md`; every statement is idempotent, so it runs at each start.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS changes (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  order_number       TEXT    NOT NULL,
  kind               TEXT    NOT NULL CHECK (kind IN ('create', 'update')),
  input              TEXT    NOT NULL,
  accepted_at        INTEGER NOT NULL,
  request_id         TEXT    NOT NULL,
  state              TEXT    NOT NULL CHECK (state IN ('queued', 'in_flight', 'delivered', 'dead')),
  attempts           INTEGER NOT NULL DEFAULT 0,
  next_attempt_at    INTEGER NOT NULL,
  give_up_at         INTEGER NOT NULL,
  solo               INTEGER NOT NULL DEFAULT 0,
  sent_as            TEXT,
  calltouch_order_id INTEGER,
  settled_at         INTEGER,
  error              TEXT
);
CREATE INDEX IF NOT EXISTS changes_by_state ON changes (state, id);
CREATE INDEX IF NOT EXISTS changes_by_order ON changes (order_number, id);

CREATE TABLE IF NOT EXISTS ledger (
  order_number       TEXT PRIMARY KEY,
  calltouch_order_id INTEGER,
  created_at         INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS idempotency (
  scope       TEXT    NOT NULL,
  key         TEXT    NOT NULL,
  fingerprint TEXT    NOT NULL,
  change_ids  TEXT    NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
);

CREATE TABLE IF NOT EXISTS site (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;
