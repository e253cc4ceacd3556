import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { calltouch, control, freshSimulator, heldOrders, loggedRequests } from "./test-support";

// The tables as the simulator created them before migrations existed (RequestLog's and OrderBook's constructors).
const BEFORE_MIGRATIONS = [
  "CREATE TABLE requests (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, path TEXT NOT NULL, outcome TEXT NOT NULL, entry TEXT NOT NULL)",
  "CREATE TABLE orders (id INTEGER PRIMARY KEY, order_number TEXT NOT NULL, record TEXT NOT NULL)",
  "CREATE INDEX orders_by_number ON orders (order_number, id)",
];

describe("storage migrations", () => {
  it("upgrades a database made before migrations existed, keeping its requests and deals", async () => {
    await freshSimulator();
    const stub = env.CALLTOUCH.get(env.CALLTOUCH.idFromName("default"));
    const held = {
      calltouchOrderId: 7,
      orderNumber: "old-1",
      crm: "crm",
      deal: { status: "Новая", comments: [], tags: [] },
      history: [{ seq: 1, applied: "create", order: { orderNumber: "old-1" } }],
    };
    await runInDurableObject(stub, (_instance, state) => {
      const { sql } = state.storage;
      for (const table of ["schema_migrations", "requests", "orders"]) sql.exec(`DROP TABLE IF EXISTS ${table}`);
      for (const statement of BEFORE_MIGRATIONS) sql.exec(statement);
      sql.exec("INSERT INTO requests (seq, at, path, outcome, entry) VALUES (1, 1, '/x', 'ok', ?)", JSON.stringify({ seq: 1, path: "/x" }));
      sql.exec("INSERT INTO orders (id, order_number, record) VALUES (7, 'old-1', ?)", JSON.stringify(held));
      state.storage.kv.put("nextSeq", 1);
      state.storage.kv.put("nextOrderId", 7);
    });

    await evictDurableObject(stub);

    expect(await heldOrders()).toEqual([{ ...held, siteId: "12345" }]);
    expect(await loggedRequests()).toEqual([{ seq: 1, path: "/x" }]);
    const update = await calltouch("update", { orders: [{ orderNumber: "old-1", status: "Оплачен" }] });
    expect(update.body.data.orders).toEqual([{ calltouchOrderId: 7, orderNumber: "old-1" }]);
    expect((await loggedRequests()).map((entry) => entry.seq)).toEqual([1, 2]);
    const versions = await runInDurableObject(stub, (_instance, state) =>
      state.storage.sql.exec<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version").toArray(),
    );
    expect(versions.map((row) => row.version)).toEqual([1, 2]);
    await control("DELETE", "requests");
  });
});
