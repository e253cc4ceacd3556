// The ledger learns only facts: words of Calltouch's are hypotheses tested with an update, no text makes a deal
// unsendable for ever, operators see and clear what the ledger believes, replay keeps each deal's order, and a
// delivered delete makes the ledger forget the deal.
import { reset } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { SIMULATOR_SITE_ID, SIMULATOR_TOKEN, SIMULATOR_URL } from "../../worker/test/constants";
import { simulator } from "../../worker/test/simulator";
import { gateway, settle } from "./gateway";

beforeEach(async () => {
  await reset();
  await simulator.reset();
});

const kinds = (requests: { path: string }[]) => requests.map((request) => request.path.split("/").at(-1));

describe("the ledger of facts", () => {
  it("never takes a refusal's words for a fact: a create refused as a 'duplicate' is tested, stays unknown, dies in bounded time, and replays", async () => {
    // A refusal that merely contains "duplicate" (a repeated custom field name), as in issue 10.
    await simulator.configure({
      rejectOrders: [{ orderNumberPattern: "^poisoned$", error: "duplicate custom field name «Город»", on: ["create"] }],
    });
    const client = gateway();

    const { receipts } = await client.orders.create.mutate({ orders: [{ orderNumber: "poisoned", status: "Новая" }], wait: 10_000 });

    expect(receipts[0]).toMatchObject({ state: "dead", error: expect.stringContaining("duplicate custom field name") });
    expect(receipts[0]!.error).toMatch(/in turn 4 times/);
    // Each create went, and each update that tested the words was refused: "not found".
    expect(kinds(await simulator.requests())).toEqual(["create", "update", "create", "update", "create", "update", "create"]);
    const [status] = (await client.orders.status.query({ orderNumbers: ["poisoned"] })).orders;
    expect(status!.ledger).toBeNull();

    // The cause is fixed on Calltouch's side: the replay decides again from facts and creates the deal.
    await simulator.configure({ rejectOrders: [] });
    const { replayed } = await client.deliveries.replay.mutate({ orderNumbers: ["poisoned"] });
    expect(replayed).toEqual([receipts[0]!.changeId]);
    await settle();
    const [after] = (await client.orders.status.query({ orderNumbers: ["poisoned"] })).orders;
    expect(after).toMatchObject({ state: "delivered", changes: [{ sentAs: "create" }], ledger: { learnedFrom: receipts[0]!.changeId } });
    expect((await simulator.orders()).map((order) => order.orderNumber)).toEqual(["poisoned"]);
  });

  it("shows what it believes, and an admin clears it when the deal was deleted in Calltouch by hand", async () => {
    const client = gateway();
    const [created] = (await client.orders.create.mutate({ orders: [{ orderNumber: "gone" }], wait: 10_000 })).receipts;
    // Someone deletes the deal in Calltouch, behind the gateway's back.
    await fetch(`${SIMULATOR_URL}/lead-service/v1/api/client-order/delete`, {
      method: "POST",
      headers: { "access-token": SIMULATOR_TOKEN, siteid: SIMULATOR_SITE_ID, "content-type": "application/json" },
      body: JSON.stringify({ orderNumbers: ["gone"] }),
    });

    const [again] = (await client.orders.create.mutate({ orders: [{ orderNumber: "gone", status: "Снова" }], wait: 10_000 })).receipts;

    expect(again).toMatchObject({ state: "dead", error: expect.stringContaining("deliveries.forget") });
    const [believed] = (await client.orders.status.query({ orderNumbers: ["gone"] })).orders;
    expect(believed!.ledger).toMatchObject({ calltouchOrderId: 1, learnedFrom: created!.changeId });

    expect(await client.deliveries.forget.mutate({ orderNumbers: ["gone", "never-known"] })).toEqual({ forgotten: ["gone"] });
    await client.deliveries.replay.mutate({ changeIds: [again!.changeId] });
    await settle();

    const [status] = (await client.orders.status.query({ orderNumbers: ["gone"] })).orders;
    expect(status!.changes.at(-1)).toMatchObject({ state: "delivered", sentAs: "create" });
    expect(status!.ledger).toMatchObject({ learnedFrom: again!.changeId });
  });

  it("lets only an admin clear the ledger", async () => {
    const { READER_KEY } = await import("../../worker/test/constants");
    const error = await gateway(READER_KEY)
      .deliveries.forget.mutate({ orderNumbers: ["x"] })
      .catch((caught: unknown) => caught);
    expect((error as { data: { httpStatus: number } }).data.httpStatus).toBe(403);
  });
});

describe("replay keeps each deal's order", () => {
  it("refuses to replay a change older than one of its deal that was delivered, saying why", async () => {
    const client = gateway();
    await client.orders.create.mutate({ orders: [{ orderNumber: "d-1" }], wait: 10_000 });
    await simulator.configure({ rejectOrders: [{ orderNumberPattern: "^d-1$", error: "Некорректный статус", on: ["update"] }] });
    const [old] = (await client.orders.update.mutate({ orders: [{ orderNumber: "d-1", status: "Старый" }], wait: 10_000 })).receipts;
    await simulator.configure({ rejectOrders: [] });
    const [later] = (await client.orders.update.mutate({ orders: [{ orderNumber: "d-1", status: "Новый" }], wait: 10_000 })).receipts;
    expect([old!.state, later!.state]).toEqual(["dead", "delivered"]);

    const answer = await client.deliveries.replay.mutate({ orderNumbers: ["d-1"] });

    expect(answer.replayed).toEqual([]);
    expect(answer.refused).toEqual([{ changeId: old!.changeId, reason: expect.stringContaining(`change ${later!.changeId} of deal d-1`) }]);
    await settle();
    expect((await simulator.orders())[0]!.deal).toMatchObject({ status: "Новый" });
  });

  it("replays a dead change ahead of its deal's later changes that still wait", async () => {
    const client = gateway();
    await simulator.configure({ rejectOrders: [{ orderNumberPattern: "^d-2$", error: "Некорректный статус", on: ["create"] }] });
    const [create] = (await client.orders.create.mutate({ orders: [{ orderNumber: "d-2" }], wait: 10_000 })).receipts;
    // The update waits while delivery is paused (nothing is in flight then, so the replay is not refused for it).
    await simulator.configure({ rejectOrders: [], accessToken: "rotated" });
    await client.orders.update.mutate({ orders: [{ orderNumber: "d-2", status: "Оплачен" }] });
    await expect.poll(async () => (await client.deliveries.stats.query()).paused, { timeout: 5000 }).not.toBeNull();

    const answer = await client.deliveries.replay.mutate({ changeIds: [create!.changeId] });
    await simulator.configure({ accessToken: SIMULATOR_TOKEN });
    await client.deliveries.resume.mutate();
    await settle();

    expect(answer).toEqual({ replayed: [create!.changeId], refused: [] });
    const applied = (await simulator.requests()).filter(
      (request) => request.outcome === "ok" && request.response.data.orders[0].calltouchOrderId,
    );
    expect(kinds(applied)).toEqual(["create", "update"]);
  });
});

describe("orders.delete", () => {
  it("queues the delete in order with the deal's other changes, and a later create creates the deal again", async () => {
    const client = gateway();
    await client.orders.create.mutate([{ orderNumber: "del-1" }, { orderNumber: "del-2" }]);
    await client.orders.update.mutate({ orderNumber: "del-1", status: "Отказ" });

    const deleted = await client.orders.delete.mutate({ orderNumbers: ["del-1", "never-created"], wait: 10_000 });

    expect(deleted.receipts).toMatchObject([
      { orderNumber: "del-1", state: "delivered" },
      { orderNumber: "never-created", state: "dead", error: 'Order with orderNumber "never-created" not found' },
    ]);
    const sequence = (await simulator.requests()).flatMap((request) =>
      (request.body.orders ?? request.body.orderNumbers).map(
        (order: { orderNumber?: string } | string) => `${kinds([request])[0]} ${typeof order === "string" ? order : order.orderNumber}`,
      ),
    );
    expect(sequence.filter((entry) => entry.endsWith("del-1"))).toEqual(["create del-1", "update del-1", "delete del-1"]);
    expect((await simulator.orders()).map((order) => order.orderNumber)).toEqual(["del-2"]);
    const [status] = (await client.orders.status.query({ orderNumbers: ["del-1"] })).orders;
    expect(status!.ledger).toBeNull();

    const [again] = (await client.orders.create.mutate({ orders: [{ orderNumber: "del-1" }], wait: 10_000 })).receipts;
    expect(again).toMatchObject({ state: "delivered", calltouchOrderId: 3 });
  });

  it("refuses an empty list and needs orders:write", async () => {
    const { READER_KEY } = await import("../../worker/test/constants");
    const empty = await gateway()
      .orders.delete.mutate({ orderNumbers: [] })
      .catch((caught: unknown) => caught);
    const reader = await gateway(READER_KEY)
      .orders.delete.mutate({ orderNumbers: ["x"] })
      .catch((caught: unknown) => caught);

    expect((empty as { data: { httpStatus: number } }).data.httpStatus).toBe(400);
    expect((reader as { data: { httpStatus: number } }).data.httpStatus).toBe(403);
  });
});
