// A database made by the outbox before numbered migrations (main's schema, kept as a fixture) is upgraded when
// the Durable Object starts, with nothing lost: queued changes still deliver, the ledger and idempotency keys stay.

import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { orderCreateInput, orderUpdateInput } from "@calltouch-gateway/contract";
import { beforeEach, describe, expect, it } from "vitest";
import { SIMULATOR_SITE_ID, SIMULATOR_TOKEN, SIMULATOR_URL } from "../../test/constants";
import { SCHEMA } from "../../test/fixtures/outbox-schema-before-migrations";
import { simulator } from "../../test/simulator";
import { MIGRATIONS } from "./migrations";
import type { Outbox } from "./outbox";

const HOUR = 3_600_000;

beforeEach(() => simulator.reset());

/** Creates a deal in the simulator behind the gateway's back, as an earlier version of it had. */
async function heldByCalltouch(orderNumber: string): Promise<void> {
  const response = await fetch(`${SIMULATOR_URL}/lead-service/v1/api/client-order/create`, {
    method: "POST",
    headers: { "access-token": SIMULATOR_TOKEN, siteid: SIMULATOR_SITE_ID, "content-type": "application/json" },
    body: JSON.stringify({
      crm: "old-gateway",
      orders: [
        {
          orderNumber,
          status: "Новая",
          orderDate: "01-02-2026 10:00:00",
          statusDate: "01-02-2026 10:00:00",
          matching: [{ type: "withoutSource" }],
        },
      ],
    }),
  });
  expect(response.status).toBe(200);
}

describe("outbox storage migrations", () => {
  it("upgrades a database made by the schema before migrations, losing nothing", async () => {
    await heldByCalltouch("old-known");
    const stub = env.OUTBOX.get(env.OUTBOX.idFromName(`${SIMULATOR_SITE_ID}-migration`)) as DurableObjectStub<Outbox>;
    const now = Date.now();
    const queued = JSON.stringify(orderCreateInput.parse({ orderNumber: "old-queued", status: "Новая" }));
    const knownCreate = JSON.stringify(orderCreateInput.parse({ orderNumber: "old-known", status: "Оплачено" }));
    const update = JSON.stringify(orderUpdateInput.parse({ orderNumber: "old-queued", status: "Оплачено" }));
    const dead = JSON.stringify(orderCreateInput.parse({ orderNumber: "old-dead", phones: ["8 915 777-11-22"] }));
    await runInDurableObject(stub, async (_instance, state) => {
      const { sql } = state.storage;
      await state.storage.deleteAlarm();
      for (const table of ["changes", "ledger", "idempotency", "site", "schema_migrations", "minute_counts", "change_phones"])
        sql.exec(`DROP TABLE IF EXISTS ${table}`);
      sql.exec(SCHEMA);
      const insert = (id: number, orderNumber: string, kind: string, input: string, state: string, solo = 0) =>
        sql.exec(
          `INSERT INTO changes (id, order_number, kind, input, accepted_at, request_id, state, attempts, next_attempt_at, give_up_at, solo)
           VALUES (?, ?, ?, ?, ?, 'r-old', ?, 3, ?, ?, ?)`,
          id,
          orderNumber,
          kind,
          input,
          now - HOUR,
          state,
          now - HOUR,
          now - 1000, // past its give-up time: under the old rules its next failure would kill it
          solo,
        );
      insert(10, "old-queued", "create", queued, "queued", 1);
      insert(11, "old-queued", "update", update, "queued");
      insert(12, "old-known", "create", knownCreate, "queued");
      insert(13, "old-delivered", "create", queued.replace("old-queued", "old-delivered"), "delivered");
      insert(14, "old-dead", "create", dead, "dead");
      sql.exec(`UPDATE changes SET error = 'Order "old-dead" has a bad status 7', settled_at = ? WHERE id = 14`, now - HOUR);
      // Later ids were given and their changes pruned: the counter must not give them again.
      sql.exec("UPDATE sqlite_sequence SET seq = 50 WHERE name = 'changes'");
      sql.exec("INSERT INTO ledger (order_number, calltouch_order_id, created_at) VALUES ('old-known', 1, ?)", now - HOUR);
      sql.exec(
        "INSERT INTO idempotency (scope, key, fingerprint, change_ids, created_at) VALUES ('test-admin:create', 'call:crm-event-1', 'f', '[12]', ?)",
        now,
      );
      sql.exec("INSERT INTO site (key, value) VALUES ('siteId', ?), ('sends', '[1,2,3]')", JSON.stringify(SIMULATOR_SITE_ID));
    });

    await evictDurableObject(stub);

    const create = (orderNumber: string, idempotencyKey?: string) =>
      stub.enqueue({
        site: SIMULATOR_SITE_ID,
        kind: "create",
        origin: "deal",
        orders: [orderCreateInput.parse({ orderNumber })],
        requestId: "r-new",
        caller: "test-admin",
        ...(idempotencyKey ? { idempotencyKey } : {}),
      });
    // The same key with another body: the key is still remembered.
    expect(await create("other", "crm-event-1")).toMatchObject({ ok: false, error: { kind: "conflict" } });
    expect(await create("new-1")).toMatchObject({ ok: true, value: [{ changeId: 51 }] });

    await expect.poll(async () => (await stub.stats()).queued, { timeout: 10_000 }).toBe(0);
    const [oldQueued, oldKnown] = await stub.status(["old-queued", "old-known"]);
    expect(oldQueued!.changes.map((change) => [change.changeId, change.state, change.origin])).toEqual([
      [10, "delivered", "deal"],
      [11, "delivered", "deal"],
    ]);
    // The ledger's old entry (a belief: it may have come from words) made the create go as an update, whose
    // delivery turned it into a fact.
    expect(oldKnown).toMatchObject({ state: "delivered", ledger: { calltouchOrderId: 1, learnedFrom: 12 } });
    expect(oldKnown!.changes[0]).toMatchObject({ sentAs: "update", state: "delivered" });
    // Step 3 grouped the old dead letter by its reason and indexed its phone.
    expect(await stub.deadReasons()).toMatchObject([{ reason: 'Order "…" has a bad status #', count: 1 }]);
    expect((await stub.dealsWithPhone("79157771122", 5)).map((deal) => deal.orderNumber)).toEqual(["old-dead"]);
    const versions = await runInDurableObject(stub, (_instance, state) => ({
      versions: state.storage.sql.exec<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version").toArray(),
      sends: state.storage.sql.exec("SELECT * FROM site WHERE key = 'sends'").toArray(),
    }));
    expect(versions).toEqual({ versions: MIGRATIONS.map(({ version }) => ({ version })), sends: [] });
    const applied = (await simulator.requests())
      .filter((request) => request.outcome === "ok")
      .map((request) => request.path.split("/").at(-1));
    expect(applied).toEqual(expect.arrayContaining(["create", "update"]));
  });
});
