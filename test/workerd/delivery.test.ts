// The outbox's guarantees under every fault the simulator can play. Each scenario sends the same
// workload (a create and two updates for each of 150 deals, in interleaved calls that do not wait),
// lets the outbox settle, and checks the invariants below.
import { abortAllDurableObjects, reset } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { SIMULATOR_TOKEN } from "../../worker/test/constants";
import { simulator } from "../../worker/test/simulator";
import { gateway, settle } from "./gateway";

const DEALS = 150;
const orderNumbers = Array.from({ length: DEALS }, (_, i) => `deal-${i}`);

beforeEach(async () => {
  await reset();
  await simulator.reset();
});

/** Sends the workload; answers each accepted change's label (the status it sets), by change id. */
async function sendWorkload(client = gateway()): Promise<Map<number, string>> {
  const labels = new Map<number, string>();
  const record = ({ receipts }: { receipts: { changeId: number }[] }, label: string) => {
    for (const { changeId } of receipts) labels.set(changeId, label);
  };
  const half = DEALS / 2;
  const creates = (from: number, to: number) => orderNumbers.slice(from, to).map((orderNumber) => ({ orderNumber, status: "created" }));
  const updates = (status: string, from = 0, to = DEALS) => orderNumbers.slice(from, to).map((orderNumber) => ({ orderNumber, status }));
  record(await client.orders.create.mutate(creates(0, half)), "created");
  record(await client.orders.update.mutate(updates("first", 0, half)), "first");
  record(await client.orders.create.mutate(creates(half, DEALS)), "created");
  record(await client.orders.update.mutate(updates("first", half, DEALS)), "first");
  record(await client.orders.update.mutate(updates("second")), "second");
  return labels;
}

/**
 * Every accepted change is delivered or dead with a reason, none is lost; what Calltouch applied of
 * each deal is exactly its delivered changes, once each, in acceptance order (a request whose answer
 * the test knows was lost, `inDoubt`, may have applied a change that then went again); no request
 * carried more than 100 orders; Calltouch never saw more than 5 requests in a second.
 */
async function expectInvariants(labels: Map<number, string>, inDoubt: ReadonlySet<number> = new Set()) {
  const client = gateway();
  await settle(undefined, 60_000);
  const { orders } = await client.orders.status.query({ orderNumbers });
  const requests = await simulator.requests();

  const applied = new Map<string, { label: string; seq: number }[]>();
  for (const request of requests) {
    expect(request.body.orders?.length ?? 0).toBeLessThanOrEqual(100);
    if (request.outcome !== "ok") continue;
    request.response.data.orders.forEach((item: { error?: string }, index: number) => {
      const sent = request.body.orders[index];
      if (!item.error) applied.set(sent.orderNumber, [...(applied.get(sent.orderNumber) ?? []), { label: sent.status, seq: request.seq }]);
    });
  }

  const accepted = orders.flatMap((order) => order.changes.map((change) => change.changeId)).sort((a, b) => a - b);
  expect(accepted).toEqual([...labels.keys()].sort((a, b) => a - b));
  for (const order of orders) {
    for (const change of order.changes) {
      expect(["delivered", "dead"]).toContain(change.state);
      if (change.state === "dead") expect(change.error).toBeTruthy();
    }
    const delivered = order.changes.filter((change) => change.state === "delivered").map((change) => labels.get(change.changeId));
    const seen = (applied.get(order.orderNumber) ?? []).filter(
      (entry, index, all) => !(inDoubt.has(entry.seq) && all[index + 1]?.label === entry.label),
    );
    expect(
      seen.map((entry) => entry.label),
      order.orderNumber,
    ).toEqual(delivered);
  }
  expect((await simulator.stats()).maxInAnySecond.all).toBeLessThanOrEqual(5);
  return { orders, requests };
}

// Each scenario takes seconds (a busy machine stretches them): longer than Vitest's default 5 s.
describe("the outbox delivers every change exactly once or parks it dead", { timeout: 60_000 }, () => {
  it("when 30 % of upstream requests fail with 5xx", async () => {
    await simulator.configure({ failureRate: 0.3, failureStatus: 502, seed: 7 });

    const { orders, requests } = await expectInvariants(await sendWorkload());

    expect(requests.some((request) => request.outcome === "fault")).toBe(true);
    expect(orders.every((order) => order.state === "delivered")).toBe(true);
  });

  it("when upstream requests time out", async () => {
    await simulator.configure({ timeoutRate: 0.3, timeoutMs: 1500, seed: 3 });

    const { orders, requests } = await expectInvariants(await sendWorkload());

    expect(requests.some((request) => request.outcome === "timeout")).toBe(true);
    expect(orders.every((order) => order.state === "delivered")).toBe(true);
  });

  it("when Calltouch throttles a burst of requests", async () => {
    // Calltouch lowers its limit below the gateway's for a while, answering 503 as some services do.
    await simulator.configure({ requestsPerSecond: 1, throttle: { status: 503 } });
    const labels = await sendWorkload();
    await scheduler.wait(1500);
    await simulator.configure({ requestsPerSecond: 5 });

    const { orders, requests } = await expectInvariants(labels);

    expect(requests.some((request) => request.outcome === "throttled")).toBe(true);
    expect(orders.every((order) => order.state === "delivered")).toBe(true);
  });

  it("when Calltouch refuses some orders inside a batch", async () => {
    await simulator.configure({ rejectOrders: [{ orderNumberPattern: "^deal-1[0-9]$", error: "Некорректный статус", on: ["create"] }] });

    const { orders } = await expectInvariants(await sendWorkload());

    const refused = orders.filter((order) => /^deal-1[0-9]$/.test(order.orderNumber));
    expect(refused).toHaveLength(10);
    for (const order of refused) {
      expect(order.changes[0]).toMatchObject({ state: "dead", error: "Некорректный статус", attempts: 1 });
    }
    expect(orders.filter((order) => order.state === "delivered")).toHaveLength(DEALS - 10);
  });

  it("when Calltouch refuses the credentials, pausing without losing anything until they work again", async () => {
    await simulator.configure({ accessToken: "rotated-on-calltouch-side" });
    const client = gateway();
    const labels = await sendWorkload(client);
    await expect
      .poll(() => client.deliveries.stats.query(), { timeout: 10_000 })
      .toMatchObject({
        paused: { reason: expect.stringMatching(/CALLTOUCH_TOKEN/) },
        dead: 0,
        delivered: 0,
      });

    // The token works again (fixed on Calltouch's side): the next probe resumes delivery by itself.
    await simulator.configure({ accessToken: SIMULATOR_TOKEN });
    const { orders } = await expectInvariants(labels);

    expect(orders.every((order) => order.state === "delivered")).toBe(true);
    expect(await client.deliveries.stats.query()).toMatchObject({ paused: null, dead: 0 });
  });

  it("when the Durable Object is restarted in the middle of a flush", async () => {
    await simulator.configure({ latencyMs: 400 });
    const labels = await sendWorkload();
    await expect.poll(async () => (await simulator.requests()).length, { timeout: 10_000, interval: 20 }).toBeGreaterThan(0);

    // The request now held by Calltouch was applied there, but the instance that sent it never hears back.
    const inDoubt = new Set((await simulator.requests()).map((request) => request.seq));
    await abortAllDurableObjects();
    await simulator.configure({ latencyMs: 0 });

    const { orders, requests } = await expectInvariants(labels, inDoubt);

    expect(orders.every((order) => order.state === "delivered")).toBe(true);
    // What was in flight went again from the restarted instance.
    const [held] = requests.filter((request) => inDoubt.has(request.seq)).at(-1)!.body.orders;
    const later = requests.filter((request) => !inDoubt.has(request.seq)).flatMap((request) => request.body.orders);
    expect(
      later.some(
        (order: { orderNumber: string; status: string }) => order.orderNumber === held.orderNumber && order.status === held.status,
      ),
    ).toBe(true);
  });
});
