/**
 * The outbox's SQLite schema as numbered steps, applied once each and in order when the Durable Object
 * starts, so that a column can change without losing a queued deal. Documented in this folder's README.
 * The simulator has the same small runner (`simulator/src/migrations.ts`): it stands alone.
 */
import { reasonOf } from "./reason";

/**
 * One step; `sql`, then `backfill` (for what SQL alone cannot compute), run in the same transaction as the
 * record that it ran. Never edit a step that has shipped: add one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  backfill?: (sql: SqlStorage) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "changes, ledger, idempotency keys and site values",
    // What every start ran before migrations existed (idempotent), so that such a database counts as version 1.
    sql: `
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
);`,
  },
  {
    version: 2,
    name: "deletes, origins, attempts instead of a give-up time, doubts and a ledger of facts",
    // SQLite cannot change a CHECK constraint, so \`changes\` is rebuilt; its AUTOINCREMENT counter is carried
    // over, so that no change id is ever given twice (idempotency keys point at ids). A change keeps its state:
    // its failed attempts count afresh (the give-up time is gone), and a solo one may go in a batch of one.
    // The ledger's rows came in part from words ("already exists"): without \`learned_from\` they are
    // beliefs, which a refusal of the update they cause may revise.
    sql: `
CREATE TABLE changes_v2 (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  order_number       TEXT    NOT NULL,
  kind               TEXT    NOT NULL CHECK (kind IN ('create', 'update', 'delete')),
  origin             TEXT    NOT NULL DEFAULT 'deal' CHECK (origin IN ('deal', 'lead')),
  input              TEXT    NOT NULL,
  accepted_at        INTEGER NOT NULL,
  request_id         TEXT    NOT NULL,
  state              TEXT    NOT NULL CHECK (state IN ('queued', 'in_flight', 'delivered', 'dead')),
  attempts           INTEGER NOT NULL DEFAULT 0,
  retries            INTEGER NOT NULL DEFAULT 0,
  next_attempt_at    INTEGER NOT NULL,
  cap                INTEGER,
  hypothesis         TEXT    CHECK (hypothesis IN ('applied', 'exists')),
  flips              INTEGER NOT NULL DEFAULT 0,
  sent_as            TEXT,
  calltouch_order_id INTEGER,
  settled_at         INTEGER,
  error              TEXT
);
INSERT INTO changes_v2 (id, order_number, kind, origin, input, accepted_at, request_id, state, attempts, retries,
                        next_attempt_at, cap, sent_as, calltouch_order_id, settled_at, error)
  SELECT id, order_number, kind, 'deal', input, accepted_at, request_id, state, attempts, 0,
         next_attempt_at, CASE solo WHEN 1 THEN 1 END, sent_as, calltouch_order_id, settled_at, error
  FROM changes;
DELETE FROM sqlite_sequence WHERE name = 'changes_v2';
INSERT INTO sqlite_sequence (name, seq) SELECT 'changes_v2', seq FROM sqlite_sequence WHERE name = 'changes';
DROP TABLE changes;
ALTER TABLE changes_v2 RENAME TO changes;
CREATE INDEX changes_by_state ON changes (state, id);
CREATE INDEX changes_by_order ON changes (order_number, id);
CREATE INDEX changes_by_origin ON changes (state, origin, id);
ALTER TABLE ledger ADD COLUMN learned_at INTEGER;
UPDATE ledger SET learned_at = created_at;
ALTER TABLE ledger ADD COLUMN learned_from INTEGER;
CREATE INDEX ledger_by_age ON ledger (learned_at);
DELETE FROM site WHERE key = 'sends';`,
  },
  {
    version: 3,
    name: "per-minute counts, dead letters' reasons and a phone index, for operators",
    // The console reads these instead of scanning \`changes\`: counts written in the transaction of the state
    // change they count, a dead change's reason normalized when it dies, and each change's phones, kept by
    // triggers so that no path that inserts, purges or prunes changes can forget them.
    sql: `
CREATE TABLE minute_counts (
  minute INTEGER NOT NULL,
  event  TEXT    NOT NULL CHECK (event IN ('delivered', 'dead', 'retried')),
  n      INTEGER NOT NULL,
  PRIMARY KEY (minute, event)
) WITHOUT ROWID;
ALTER TABLE changes ADD COLUMN reason TEXT;
CREATE INDEX changes_by_reason ON changes (state, reason, id);
CREATE TABLE change_phones (
  change_id INTEGER NOT NULL,
  phone     TEXT    NOT NULL,
  PRIMARY KEY (change_id, phone)
) WITHOUT ROWID;
CREATE INDEX change_phones_by_phone ON change_phones (phone, change_id);
INSERT OR IGNORE INTO change_phones (change_id, phone)
  SELECT c.id, p.value FROM changes c, json_each(c.input, '$.phones') p WHERE json_valid(c.input) AND p.type = 'text';
CREATE TRIGGER change_phones_on_insert AFTER INSERT ON changes WHEN json_valid(new.input) BEGIN
  INSERT OR IGNORE INTO change_phones (change_id, phone)
    SELECT new.id, p.value FROM json_each(new.input, '$.phones') p WHERE p.type = 'text';
END;
CREATE TRIGGER change_phones_on_delete AFTER DELETE ON changes BEGIN
  DELETE FROM change_phones WHERE change_id = old.id;
END;`,
    backfill: (sql) => {
      const dead = sql.exec<{ id: number; error: string | null }>("SELECT id, error FROM changes WHERE state = 'dead'").toArray();
      for (const { id, error } of dead) sql.exec("UPDATE changes SET reason = ? WHERE id = ?", reasonOf(error ?? ""), id);
    },
  },
];

/**
 * Brings the database up to the last of `migrations`, in one transaction, and answers the versions it
 * went from and to.
 *
 * @example migrate(ctx.storage) // { from: 0, to: 3 } on a new database
 */
export function migrate(storage: DurableObjectStorage, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  return storage.transactionSync(() => {
    const { sql } = storage;
    sql.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
    const from = sql.exec<{ version: number | null }>("SELECT MAX(version) AS version FROM schema_migrations").one().version ?? 0;
    for (const migration of migrations) {
      if (migration.version <= from) continue;
      sql.exec(migration.sql);
      migration.backfill?.(sql);
      sql.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", migration.version, migration.name, Date.now());
    }
    return { from, to: migrations.at(-1)?.version ?? 0 };
  });
}
