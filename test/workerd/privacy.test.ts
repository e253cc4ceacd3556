// Personal data: Calltouch's refusal texts are stored masked, dead changes and the ledger have a retention, and an
// admin erases one deal's personal data on request (orders.purge).

import { reset, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import type { Outbox } from "../../worker/src/outbox/outbox";
import { OutboxRecords } from "../../worker/src/outbox/records";
import { outboxOf } from "../../worker/src/outbox/site";
import { SIMULATOR_SITE_ID, SIMULATOR_TOKEN, WRITER_KEY } from "../../worker/test/constants";
import { simulator } from "../../worker/test/simulator";
import { callGateway, gateway, settle } from "./gateway";

const DAY = 86_400_000;

beforeEach(async () => {
  await reset();
  await simulator.reset();
});

function inOutbox<R>(callback: (state: DurableObjectState) => R): Promise<R> {
  return runInDurableObject(outboxOf(env, SIMULATOR_SITE_ID) as DurableObjectStub<Outbox>, (_instance, state) => callback(state));
}

describe("personal data", () => {
  it("stores Calltouch's refusal texts with phones and e-mails masked", async () => {
    await simulator.configure({
      rejectOrders: [
        { orderNumberPattern: "^pd-1$", error: "Контакт +7 (915) 777-11-22 / ivan.petrov@mail.ru уже привязан к другой сделке" },
      ],
    });

    const [receipt] = (await gateway().orders.create.mutate({ orders: [{ orderNumber: "pd-1" }], wait: 10_000 })).receipts;

    expect(receipt).toMatchObject({ state: "dead", error: "Контакт +• (•••) •••-••-22 / i•••@•••.ru уже привязан к другой сделке" });
    const stored = await inOutbox((state) => state.storage.sql.exec<{ error: string }>("SELECT error FROM changes").toArray());
    expect(JSON.stringify(stored)).not.toMatch(/777-11-22|ivan\.petrov/);
  });

  it("erases one deal's personal data on an admin's request: its changes, queued ones cancelled, and its idempotency keys", async () => {
    const client = gateway();
    await client.orders.create.mutate({
      orders: [{ orderNumber: "pd-2", phones: ["+79157771122"], idempotencyKey: "crm-1" }, { orderNumber: "keep" }],
      wait: 10_000,
    });
    // Delivery pauses on refused credentials: the update waits, out of flight (a probe goes once a second).
    await simulator.configure({ accessToken: "rotated" });
    await callGateway("http://gateway.test/trpc/orders.update", {
      method: "POST",
      headers: { authorization: `Bearer ${WRITER_KEY}`, "content-type": "application/json", "idempotency-key": "call-1" },
      body: JSON.stringify({ orderNumber: "pd-2", comment: "Иван просил перезвонить" }),
    });
    await expect.poll(async () => (await client.deliveries.stats.query()).paused, { timeout: 5000 }).not.toBeNull();

    const purged = await client.orders.purge.mutate({ orderNumbers: ["pd-2"] });

    // Three keys pointed at its changes: the order's own, the update call's, and the one the typed client gave the
    // create call (which carried "keep" too: a retry of that call would now be stored again).
    expect(purged).toEqual({ purged: [{ orderNumber: "pd-2", changes: 2, idempotencyKeys: 3 }] });
    const left = await inOutbox((state) => ({
      changes: state.storage.sql.exec("SELECT order_number, input FROM changes").toArray(),
      keys: state.storage.sql.exec("SELECT key FROM idempotency").toArray(),
      ledger: state.storage.sql.exec("SELECT order_number FROM ledger ORDER BY order_number").toArray(),
    }));
    expect(JSON.stringify(left)).not.toMatch(/79157771122|Иван/);
    expect(left.changes.map((row) => row.order_number)).toEqual(["keep"]);
    expect(left.keys).toEqual([]);
    // The ledger keeps the deal's number and Calltouch's id (no personal data), so that a create of it still goes as an update.
    expect(left.ledger).toEqual([{ order_number: "keep" }, { order_number: "pd-2" }]);
    const [status] = (await client.orders.status.query({ orderNumbers: ["pd-2"] })).orders;
    expect(status).toMatchObject({ state: "unknown", changes: [], ledger: { calltouchOrderId: 1 } });
    await simulator.configure({ accessToken: SIMULATOR_TOKEN });
    await client.deliveries.resume.mutate();
    await settle();
    expect((await simulator.requests()).filter((request) => request.outcome === "ok")).toHaveLength(1);
  });

  it("lets only an admin purge", async () => {
    const error = await gateway(WRITER_KEY)
      .orders.purge.mutate({ orderNumbers: ["x"] })
      .catch((caught: unknown) => caught);
    expect((error as { data: { httpStatus: number } }).data.httpStatus).toBe(403);
  });

  it("keeps dead changes DEAD_RETENTION_DAYS and a ledger entry LEDGER_RETENTION_DAYS after its last fact", async () => {
    await simulator.configure({ rejectOrders: [{ orderNumberPattern: "^dead$", error: "Некорректный статус" }] });
    await gateway().orders.create.mutate({ orders: [{ orderNumber: "dead" }, { orderNumber: "alive" }], wait: 10_000 });

    const retention = { deliveredMs: 7 * DAY, deadMs: 30 * DAY, ledgerMs: 365 * DAY };
    const count = (state: DurableObjectState, sql: string) => state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n ${sql}`).one().n;
    const after = (days: number) =>
      inOutbox((state) => {
        new OutboxRecords(state.storage.sql).prune(Date.now() + days * DAY, retention);
        return { dead: count(state, "FROM changes WHERE state = 'dead'"), ledger: count(state, "FROM ledger") };
      });

    expect(await after(29)).toEqual({ dead: 1, ledger: 1 });
    expect(await after(31)).toEqual({ dead: 0, ledger: 1 });
    expect(await after(366)).toEqual({ dead: 0, ledger: 0 });
  });
});
