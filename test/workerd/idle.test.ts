// Idle means idle: while nothing can be sent, the outbox sets its alarm for the next change that can actually
// go (due, and not held behind an earlier change of its deal) or for a pause's probe, never "now" in a loop.
// And give-up counts failed attempts, never time spent paused.

import { reset, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import type { Outbox } from "../../worker/src/outbox/outbox";
import { outboxOf } from "../../worker/src/outbox/site";
import { SIMULATOR_SITE_ID, SIMULATOR_TOKEN } from "../../worker/test/constants";
import { simulator } from "../../worker/test/simulator";
import { gateway, settle } from "./gateway";

beforeEach(async () => {
  await reset();
  await simulator.reset();
});

/** Counts the runs of the site outbox's alarm from now on (the instance's own handler, wrapped). */
async function countAlarms(): Promise<{ runs: number }> {
  const counter = { runs: 0 };
  await runInDurableObject(outboxOf(env, SIMULATOR_SITE_ID) as DurableObjectStub<Outbox>, (instance) => {
    const alarm = instance.alarm.bind(instance);
    instance.alarm = async () => {
      counter.runs += 1;
      await alarm();
    };
  });
  return counter;
}

/**
 * Runs `after` at the end of the site outbox's next alarm run, inside it. (A flag the test polls tells that it ran:
 * a promise settled from the alarm's context and awaited in the test's would cross request contexts.)
 */
async function afterNextAlarm(after: (state: DurableObjectState) => Promise<void>): Promise<{ ran: () => boolean }> {
  let ran = false;
  await runInDurableObject(outboxOf(env, SIMULATOR_SITE_ID) as DurableObjectStub<Outbox>, (instance, state) => {
    const alarm = instance.alarm.bind(instance);
    instance.alarm = async () => {
      instance.alarm = alarm;
      await alarm();
      await after(state);
      ran = true;
    };
  });
  return { ran: () => ran };
}

/** Runs SQL in the site outbox's database. */
function sql(query: string, ...bindings: unknown[]) {
  return runInDurableObject(outboxOf(env, SIMULATOR_SITE_ID) as DurableObjectStub<Outbox>, (_instance, state) =>
    state.storage.sql.exec(query, ...bindings).toArray(),
  );
}

describe("while waiting", () => {
  it("sleeps until a create's backoff ends although an update of its deal waits behind it", async () => {
    const client = gateway();
    await simulator.configure({ failureRate: 1 });
    // A long backoff, as after many failures (the test configuration's own is 200 ms at most), set by the alarm
    // run that sent the failing create, before it ends: no other alarm can run in between, so none is left set
    // for the short backoff to be counted as a run the update caused.
    let due = 0;
    const failed = await afterNextAlarm(async (state) => {
      due = Date.now() + 3000;
      state.storage.sql.exec("UPDATE changes SET next_attempt_at = ? WHERE state = 'queued'", due);
      await state.storage.setAlarm(due);
    });
    const [create] = (await client.orders.create.mutate({ orderNumber: "backoff-1" })).receipts;
    await expect.poll(failed.ran, { timeout: 5000, interval: 10 }).toBe(true);
    expect(await sql("SELECT state, next_attempt_at AS at FROM changes WHERE id = ?", create!.changeId)).toEqual([
      { state: "queued", at: due },
    ]);
    expect(await simulator.requests()).toHaveLength(1);
    await simulator.configure({ failureRate: 0 });
    const alarms = await countAlarms();

    await client.orders.update.mutate({ orderNumber: "backoff-1", status: "Оплачен" });
    await scheduler.wait(2500);

    // One run for the update's arrival, which finds nothing that can go; none until the create is due.
    expect(alarms.runs).toBe(1);
    const alarm = await runInDurableObject(outboxOf(env, SIMULATOR_SITE_ID) as DurableObjectStub<Outbox>, (_instance, state) =>
      state.storage.getAlarm(),
    );
    expect(alarm).toBe(due);
    expect(await simulator.requests()).toHaveLength(1);
    await settle();
    // The alarm at the create's due time sent it and the rest (the count sees the runs: at least that one).
    expect(alarms.runs).toBeGreaterThanOrEqual(1);
    expect(alarms.runs).toBeLessThanOrEqual(4);
    // The failed create may have been applied: an update tests that (refused: not found), then the create goes again.
    expect((await simulator.requests()).map((request) => request.path.split("/").at(-1))).toEqual(["create", "update", "create", "update"]);
  });

  it("sleeps through Calltouch's Retry-After, which holds every request", async () => {
    await simulator.configure({ requestsPerSecond: 1, throttle: { retryAfter: 3 } });
    const client = gateway();
    await client.orders.create.mutate({ orderNumber: "first" });
    await settle();
    const alarms = await countAlarms();

    await client.orders.create.mutate({ orderNumber: "second" });
    await expect.poll(async () => (await simulator.requests()).length, { timeout: 5000, interval: 10 }).toBe(2);
    const throttledAt = (await simulator.requests())[1]!.at;
    await settle();

    const [, throttled, delivered] = await simulator.requests();
    expect(throttled!.outcome).toBe("throttled");
    expect(delivered!.at - throttledAt).toBeGreaterThanOrEqual(2900);
    expect(alarms.runs).toBeGreaterThanOrEqual(1);
    expect(alarms.runs).toBeLessThanOrEqual(4);
  });

  it("runs no alarm at all when nothing is queued", async () => {
    const client = gateway();
    await client.orders.create.mutate({ orders: [{ orderNumber: "done" }], wait: 10_000 });
    await settle();
    const alarms = await countAlarms();

    await scheduler.wait(1500);

    expect(alarms.runs).toBe(0);
    const alarm = await runInDurableObject(outboxOf(env, SIMULATOR_SITE_ID) as DurableObjectStub<Outbox>, (_instance, state) =>
      state.storage.getAlarm(),
    );
    expect(alarm).toBeNull();
  });
});

describe("giving up", () => {
  it("counts failed attempts, never time spent paused: changes one failure from giving up survive a long pause and get their budget back", async () => {
    const client = gateway();
    await simulator.configure({ accessToken: "rotated-on-calltouch-side" });
    const { receipts } = await client.orders.create.mutate([{ orderNumber: "p-1" }, { orderNumber: "p-2" }, { orderNumber: "p-3" }]);
    await expect.poll(async () => (await client.deliveries.stats.query()).paused, { timeout: 5000 }).not.toBeNull();
    // One failed attempt from giving up (RETRY_ATTEMPTS, 400).
    await sql("UPDATE changes SET retries = 399");
    // The token is fixed, and Calltouch fails a probe: a 5xx says nothing of the credentials, the pause stands
    // and the failure does not count. The next probe goes through.
    await simulator.configure({ accessToken: SIMULATOR_TOKEN, failNext: 1, failureStatus: 502 });
    await expect
      .poll(async () => (await simulator.requests()).filter((request) => request.outcome === "fault").length, { timeout: 5000 })
      .toBe(1);
    expect((await client.deliveries.stats.query()).paused).not.toBeNull();
    expect(await sql("SELECT DISTINCT retries FROM changes")).toEqual([{ retries: 399 }]);

    await settle(undefined, 10_000);

    const { orders } = await client.orders.status.query({ orderNumbers: receipts.map((receipt) => receipt.orderNumber) });
    expect(orders.map((order) => order.state)).toEqual(["delivered", "delivered", "delivered"]);
    expect(await client.deliveries.stats.query()).toMatchObject({ paused: null, dead: 0 });
  }, 20_000);

  it("keeps a pause while the probes get no answer: only an answer that passed auth lifts it", async () => {
    const client = gateway();
    await simulator.configure({ accessToken: "rotated-on-calltouch-side" });
    await client.orders.create.mutate({ orderNumber: "silent" });
    await expect.poll(async () => (await client.deliveries.stats.query()).paused, { timeout: 5000 }).not.toBeNull();
    // The token is fixed, but Calltouch does not answer (longer than CALLTOUCH_TIMEOUT_MS, 1 s here).
    await simulator.configure({ accessToken: SIMULATOR_TOKEN, timeoutRate: 1, timeoutMs: 1500 });

    await expect
      .poll(async () => (await simulator.requests()).filter((request) => request.outcome === "timeout").length, { timeout: 5000 })
      .toBe(1);
    // The simulator logs the request when it arrives; the gateway gives up on it a second later.
    await scheduler.wait(1300);

    expect((await client.deliveries.stats.query()).paused).not.toBeNull();
    await simulator.configure({ timeoutRate: 0 });
    await settle(undefined, 10_000);
    expect(await client.deliveries.stats.query()).toMatchObject({ paused: null, delivered: 1 });
  });

  it("gives every queued change its whole budget back when a pause ends", async () => {
    const client = gateway();
    await simulator.configure({ accessToken: "rotated-on-calltouch-side" });
    await client.orders.create.mutate({ orderNumber: "renewed" });
    await expect.poll(async () => (await client.deliveries.stats.query()).paused, { timeout: 5000 }).not.toBeNull();
    await sql("UPDATE changes SET retries = 399");
    // Calltouch will fail the first request after the pause: with the old count it would kill the change.
    await simulator.configure({ accessToken: SIMULATOR_TOKEN, failNext: 1 });

    await client.deliveries.resume.mutate();
    await settle();

    expect((await client.orders.status.query({ orderNumbers: ["renewed"] })).orders[0]!.state).toBe("delivered");
    expect((await simulator.requests()).some((request) => request.outcome === "fault")).toBe(true);
  });
});
