import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { mulberry32 } from "./faults";
import { CALLTOUCH_HEADERS, calltouch, control, createBody, freshSimulator, heldOrders, loggedRequests } from "./test-support";

const SIMULATED_FAILURE = { data: null, error: { code: "INTERNAL_ERROR", message: "Simulated failure" } };

async function statusesOf(count: number): Promise<number[]> {
  const statuses = [];
  for (let i = 0; i < count; i++) statuses.push((await calltouch("create", createBody(`o-${i}`))).status);
  return statuses;
}

describe("mulberry32", () => {
  it("repeats from the same seed and spreads over [0, 1)", () => {
    const run = (seed: number) => {
      const values = [];
      for (let i = 0, state = seed; i < 1000; i++) {
        const { value, next } = mulberry32(state);
        values.push(value);
        state = next;
      }
      return values;
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
    const values = run(7);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.filter((value) => value < 0.5).length).toBeGreaterThan(400);
  });
});

describe("failNext", () => {
  it("fails exactly the next n requests that pass auth, changing nothing, then counts down to 0", async () => {
    await freshSimulator({ failNext: 2 });
    expect((await calltouch("create", createBody("o-0"), { SiteId: "0" })).status).toBe(401);
    const answers = [await calltouch("create", createBody("o-1")), await calltouch("create", createBody("o-2"))];
    expect(answers.map(({ status, body }) => ({ status, body }))).toEqual([
      { status: 500, body: SIMULATED_FAILURE },
      { status: 500, body: SIMULATED_FAILURE },
    ]);
    expect((await calltouch("create", createBody("o-3"))).status).toBe(200);
    expect((await heldOrders()).map((held) => held.orderNumber)).toEqual(["o-3"]);
    expect((await loggedRequests()).map((entry) => entry.outcome)).toEqual(["auth", "fault", "fault", "ok"]);
    expect((await control("GET", "config")).body.failNext).toBe(0);
  });

  it("answers with failureStatus and failureBody", async () => {
    await freshSimulator({ failNext: 1, failureStatus: 502, failureBody: { message: "Bad Gateway" } });
    expect(await calltouch("update", { orders: [{ orderNumber: "o-1" }] })).toMatchObject({
      status: 502,
      body: { message: "Bad Gateway" },
    });
  });
});

describe("failureRate", () => {
  it("fails about that share of requests, the same ones again for the same seed", async () => {
    await freshSimulator({ failureRate: 0.5, seed: 42 });
    const first = await statusesOf(12);
    await freshSimulator({ failureRate: 0.5, seed: 42 });
    const second = await statusesOf(12);
    expect(second).toEqual(first);
    expect(first).toContain(200);
    expect(first).toContain(500);
    const held = (await heldOrders()).map((order) => order.orderNumber);
    expect(held).toEqual(first.flatMap((status, i) => (status === 200 ? [`o-${i}`] : [])));
  });
});

describe("latency and timeouts", () => {
  it("latencyMs holds every answer back", async () => {
    await freshSimulator({ latencyMs: 150 });
    const answer = await calltouch("create", createBody("o-1"));
    expect(answer.status).toBe(200);
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(150);
    expect((await loggedRequests())[0]?.heldMs).toBe(150);
  });

  it("a timeout holds the answer for timeoutMs, then answers 504, and has no effect", async () => {
    await freshSimulator({ timeoutRate: 1, timeoutMs: 200 });
    const answer = await calltouch("create", createBody("o-1"));
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(200);
    expect(answer).toMatchObject({
      status: 504,
      body: { data: null, error: { code: "TIMEOUT", message: "Simulated timeout: the answer was held for 200 ms" } },
    });
    expect(await heldOrders()).toEqual([]);
    const [logged] = await loggedRequests();
    expect(logged).toMatchObject({ outcome: "timeout", status: 504, heldMs: 200 });
    expect(logged).not.toHaveProperty("lostResponse");
  });

  it("a caller may give up on a held answer", async () => {
    await freshSimulator({ timeoutRate: 1, timeoutMs: 5000 });
    const started = Date.now();
    const request = exports.default.fetch("http://calltouch.test/lead-service/v1/api/client-order/create", {
      method: "POST",
      headers: CALLTOUCH_HEADERS,
      body: JSON.stringify(createBody("o-1")),
      signal: AbortSignal.timeout(100),
    });
    await expect(request).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await heldOrders()).toEqual([]);
  });

  it("timeoutApplies plays an answer lost after the orders were applied", async () => {
    await freshSimulator({ timeoutRate: 1, timeoutMs: 50, timeoutApplies: true });
    expect((await calltouch("create", createBody("o-1"))).status).toBe(504);
    expect((await heldOrders()).map((held) => held.orderNumber)).toEqual(["o-1"]);
    expect((await loggedRequests())[0]).toMatchObject({
      outcome: "timeout",
      lostResponse: { status: 200, body: { data: { orders: [{ calltouchOrderId: 1, orderNumber: "o-1" }] } } },
    });
  });

  it("a held answer does not hold up the requests that follow", async () => {
    await freshSimulator({ timeoutRate: 1, timeoutMs: 600 });
    const held = calltouch("create", createBody("slow"));
    await scheduler.wait(20); // let the slow one be decided first
    await control("PUT", "config", { timeoutRate: 0 });
    const quick = await calltouch("create", createBody("quick"));
    expect(quick.status).toBe(200);
    expect(quick.elapsedMs).toBeLessThan(300);
    expect((await held).status).toBe(504);
  });
});
