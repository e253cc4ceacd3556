// Creates in doubt (sent, no answer: a timeout, a restart mid-flush) are resolved without ever making a second
// deal in a Calltouch that stores duplicates: the create goes next as an update, and as a create again only
// when Calltouch refuses that update for the order.
import { abortAllDurableObjects, reset } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { simulator } from "../../worker/test/simulator";
import { gateway, settle } from "./gateway";

beforeEach(async () => {
  await reset();
  await simulator.reset();
});

const kinds = (requests: { path: string }[]) => requests.map((request) => request.path.split("/").at(-1));

/** Lets the first request reach the simulator under the current config, then plays `then`. */
async function afterFirstRequest(then: Record<string, unknown>): Promise<void> {
  await expect.poll(async () => (await simulator.requests()).length, { timeout: 5000, interval: 10 }).toBeGreaterThan(0);
  await simulator.configure(then);
}

describe("a create in doubt", () => {
  it("whose lost answer was applied goes as an update, and Calltouch that stores duplicates holds one deal", async () => {
    await simulator.configure({ duplicateCreate: "duplicate", timeoutRate: 1, timeoutMs: 1500, timeoutApplies: true });
    const client = gateway();

    const [receipt] = (await client.orders.create.mutate({ orderNumber: "doubt-1", status: "Новая", phones: ["+79157771122"] })).receipts;
    await afterFirstRequest({ timeoutRate: 0 });
    await settle();

    const requests = await simulator.requests();
    expect(requests.map((request) => `${kinds([request])[0]} ${request.outcome}`)).toEqual(["create timeout", "update ok"]);
    expect((await simulator.orders()).map((order) => order.orderNumber)).toEqual(["doubt-1"]);
    const [status] = (await client.orders.status.query({ orderNumbers: ["doubt-1"] })).orders;
    expect(status).toMatchObject({ state: "delivered", calltouchOrderId: 1, ledger: { learnedFrom: receipt!.changeId } });
    expect(status!.changes[0]).toMatchObject({ sentAs: "update", attempts: 2 });
  });

  it("whose lost answer was not applied goes as a create again once Calltouch refuses the update", async () => {
    await simulator.configure({ duplicateCreate: "duplicate", timeoutRate: 1, timeoutMs: 1500, timeoutApplies: false });

    await gateway().orders.create.mutate({ orderNumber: "doubt-2", status: "Новая" });
    await afterFirstRequest({ timeoutRate: 0 });
    await settle();

    const requests = await simulator.requests();
    expect(kinds(requests)).toEqual(["create", "update", "create"]);
    expect(requests[1]!.response.data.orders[0].error).toMatch(/not found/);
    expect((await simulator.orders()).map((order) => order.orderNumber)).toEqual(["doubt-2"]);
  });

  it("left in flight by a restart goes as an update first, so that no second deal is made", async () => {
    await simulator.configure({ duplicateCreate: "duplicate", latencyMs: 400 });
    const client = gateway();

    await client.orders.create.mutate([{ orderNumber: "restart-1" }, { orderNumber: "restart-2" }]);
    await afterFirstRequest({ latencyMs: 0 });
    await abortAllDurableObjects();
    await settle();

    expect(kinds(await simulator.requests())).toEqual(["create", "update"]);
    expect((await simulator.orders()).map((order) => order.orderNumber)).toEqual(["restart-1", "restart-2"]);
    const { orders } = await client.orders.status.query({ orderNumbers: ["restart-1", "restart-2"] });
    expect(orders.map((order) => order.state)).toEqual(["delivered", "delivered"]);
  });
});
