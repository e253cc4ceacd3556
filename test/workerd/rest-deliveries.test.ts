// REST /v1/deliveries: what the console shows, for scripts and the CLI: numbers, pages of changes, dead
// letters by reason, replay (by id, deal or reason) and resume, behind the same keys and scopes as tRPC.
import { reset } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { OTHER_SITE_KEY, READER_KEY, TEST_API_KEY } from "../../worker/test/constants";
import { simulator } from "../../worker/test/simulator";
import { callGateway, gateway, settle } from "./gateway";

beforeEach(async () => {
  await reset();
  await simulator.reset();
});

const call = async (key: string, method: string, path: string, body?: unknown) => {
  const response = await callGateway(`http://gateway.test/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as any };
};

describe("REST /v1/deliveries", () => {
  it("counts, lists and groups dead letters, and replays a whole reason to delivered", async () => {
    await simulator.configure({ rejectOrders: [{ orderNumberPattern: "^no-", error: 'Order "{orderNumber}" refused', on: ["create"] }] });
    await gateway().orders.create.mutate({
      orders: [{ orderNumber: "no-1" }, { orderNumber: "no-2" }, { orderNumber: "yes-1" }],
      wait: 10_000,
    });

    const stats = await call(READER_KEY, "GET", "/deliveries/stats");
    expect(stats).toMatchObject({ status: 200, body: { queued: 0, dead: 2, delivered: 1, deliveredToday: 1, paused: null } });
    expect(stats.body.perMinute.dead).toHaveLength(1440);
    expect(stats.body.perMinute.dead.at(-1) + stats.body.perMinute.dead.at(-2)).toBe(2);

    const page = await call(READER_KEY, "GET", "/deliveries?state=dead&limit=1");
    expect(page).toMatchObject({ status: 200, body: { changes: [{ orderNumber: "no-1", state: "dead" }], next: expect.any(Number) } });
    const reasons = await call(READER_KEY, "GET", "/deliveries/dead-reasons");
    expect(reasons.body).toMatchObject({ reasons: [{ reason: 'Order "…" refused', count: 2 }] });

    expect((await call(READER_KEY, "POST", "/deliveries:replay", { reason: 'Order "…" refused' })).status).toBe(403);
    await simulator.configure({ rejectOrders: [] });
    const replayed = await call(TEST_API_KEY, "POST", "/deliveries:replay", { reason: 'Order "…" refused' });
    expect(replayed).toMatchObject({ status: 200, body: { replayed: [expect.any(Number), expect.any(Number)], refused: [] } });
    await settle();
    expect((await call(READER_KEY, "GET", "/deliveries/stats")).body).toMatchObject({ dead: 0, delivered: 3 });
  });

  it("names what is wrong with a list or a replay, and lifts a pause", async () => {
    const list = await call(READER_KEY, "GET", "/deliveries?state=lost");
    expect(list.status).toBe(400);
    expect(list.body.error.fieldErrors).toMatchObject([{ field: "state" }]);
    const replay = await call(TEST_API_KEY, "POST", "/deliveries:replay", {});
    expect(replay.status).toBe(400);

    await gateway(OTHER_SITE_KEY).orders.create.mutate({ orders: [{ orderNumber: "waits" }] });
    await expect.poll(async () => (await call(OTHER_SITE_KEY, "GET", "/deliveries/stats")).body.paused, { timeout: 10_000 }).not.toBeNull();
    expect(await call(OTHER_SITE_KEY, "POST", "/deliveries:resume")).toMatchObject({ status: 200, body: { resumed: true } });
  });
});
