/**
 * The simulator's SQLite schema as numbered steps, applied once each and in order when `CalltouchState`
 * starts, so that a simulator's state (`.wrangler/state/simulator`) survives a change of its tables. The
 * gateway's outbox has the same small runner (`worker/src/outbox/migrations.ts`): the simulator stands
 * alone and imports nothing of the gateway.
 */

/** One step; `up` runs in the same transaction as the record that it ran. */
export interface Migration {
  version: number;
  name: string;
  up(sql: SqlStorage, context: { siteId: string }): void;
}

/** Never edit a step that has shipped: add one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "request log and deal records",
    // Exactly what the constructors created before migrations existed, so that such a database counts as version 1.
    up(sql) {
      sql.exec(`CREATE TABLE IF NOT EXISTS requests (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        path TEXT NOT NULL,
        outcome TEXT NOT NULL,
        entry TEXT NOT NULL
      )`);
      sql.exec(`CREATE TABLE IF NOT EXISTS orders (
        id INTEGER PRIMARY KEY,
        order_number TEXT NOT NULL,
        record TEXT NOT NULL
      )`);
      sql.exec("CREATE INDEX IF NOT EXISTS orders_by_number ON orders (order_number, id)");
    },
  },
  {
    version: 2,
    name: "deals of several sites",
    // Calltouch keeps each site's deals apart; the deals held so far belong to the site configured now.
    up(sql, { siteId }) {
      sql.exec("ALTER TABLE orders ADD COLUMN site_id TEXT NOT NULL DEFAULT ''");
      sql.exec("UPDATE orders SET site_id = ?1, record = json_set(record, '$.siteId', ?1)", siteId);
      sql.exec("DROP INDEX orders_by_number");
      sql.exec("CREATE INDEX orders_by_number ON orders (site_id, order_number, id)");
    },
  },
];

/**
 * Brings the database up to the last step of `migrations`, in one transaction, and answers the versions
 * it went from and to.
 *
 * @example migrate(ctx.storage, MIGRATIONS, { siteId: config.siteId }) // { from: 1, to: 2 }
 */
export function migrate(
  storage: DurableObjectStorage,
  migrations: readonly Migration[],
  context: { siteId: string },
): { from: number; to: number } {
  return storage.transactionSync(() => {
    const { sql } = storage;
    sql.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
    const from = sql.exec<{ version: number | null }>("SELECT MAX(version) AS version FROM schema_migrations").one().version ?? 0;
    for (const migration of migrations) {
      if (migration.version <= from) continue;
      migration.up(sql, context);
      sql.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", migration.version, migration.name, Date.now());
    }
    return { from, to: migrations.at(-1)?.version ?? 0 };
  });
}
