import { describe, expect, it } from "vitest";
import { defaultConfig } from "./config";
import { budgetExhausted, maxInAnySecond, SlidingWindow, spend } from "./rate-limit";
import { calltouch, control, createBody, freshSimulator, heldOrders, loggedRequests } from "./test-support";

describe("SlidingWindow", () => {
  it("admits at most `limit` in any 1000 ms, counting only admissions", () => {
    const window = new SlidingWindow();
    const admitted = [0, 100, 200, 300, 400, 500, 999, 1000, 1099, 1100].map((at) => window.tryAdmit(at, 5));
    expect(admitted).toEqual([true, true, true, true, true, false, false, true, false, true]);
  });

  it("admits everything when the limit is null", () => {
    const window = new SlidingWindow();
    expect(Array.from({ length: 50 }, () => window.tryAdmit(0, null)).every(Boolean)).toBe(true);
  });
});

describe("maxInAnySecond", () => {
  it("finds the busiest 1000 ms", () => {
    expect(maxInAnySecond([])).toBe(0);
    expect(maxInAnySecond([0, 999, 1000, 1500, 1998, 2500])).toBe(4);
    expect(maxInAnySecond([0, 999, 1000, 1500, 1999, 2500])).toBe(3);
  });
});

describe("daily points", () => {
  const config = { ...defaultConfig({ SIMULATOR_ACCESS_TOKEN: "t", SIMULATOR_SITE_ID: "1" }), dailyPoints: 3, pointsPerRequest: 2 };
  const noon = Date.parse("2026-03-01T09:00:00Z"); // 12:00 in Moscow

  it("spends per successful request and is exhausted when the next one cannot be paid", () => {
    const once = spend(undefined, config, noon);
    expect(once).toEqual({ day: "2026-03-01", spent: 2 });
    expect(budgetExhausted(undefined, config, noon)).toBe(false);
    expect(budgetExhausted(once, config, noon)).toBe(true);
    expect(budgetExhausted(once, { ...config, dailyPoints: null }, noon)).toBe(false);
  });

  it("starts afresh at midnight Moscow time, not UTC", () => {
    const spentLate = spend(undefined, config, Date.parse("2026-03-01T20:59:00Z"));
    expect(budgetExhausted(spentLate, config, Date.parse("2026-03-01T20:59:59Z"))).toBe(true);
    expect(budgetExhausted(spentLate, config, Date.parse("2026-03-01T21:00:00Z"))).toBe(false);
  });
});

const SAYS_LIMIT_EXCEEDED = { data: { message: "Превышен лимит запросов (limit exceeded)" } };

describe("the simulator's limits", () => {
  it("throttles the 6th request in a second with 429, changes nothing for it and logs it", async () => {
    await freshSimulator({ requestsPerSecond: 5 });
    const answers = [];
    for (let i = 1; i <= 6; i++) answers.push(await calltouch("create", createBody(`o-${i}`)));
    const log = await loggedRequests();
    expect(log[5]!.at - log[0]!.at).toBeLessThan(1000); // the premise: all six arrived within one second
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(answers[5]?.body).toEqual({
      data: null,
      error: { code: "LIMIT_EXCEEDED", message: "Request limit exceeded: at most 5 requests per second" },
    });
    expect(log.map((entry) => entry.outcome)).toEqual(["ok", "ok", "ok", "ok", "ok", "throttled"]);
    expect(log[5]).toMatchObject({ status: 429, response: answers[5]?.body });
    expect((await heldOrders()).map((held) => held.orderNumber)).not.toContain("o-6");

    await scheduler.wait(Math.max(0, log[0]!.at + 1000 - Date.now()) + 20);
    expect((await calltouch("create", createBody("o-7"))).status).toBe(200);
    const stats = (await control("GET", "stats")).body;
    expect(stats.maxInAnySecond).toEqual({ all: 6, admitted: 5 });
  });

  it.each([
    [503, null, { data: null, error: { code: "LIMIT_EXCEEDED", message: "Request limit exceeded: at most 1 requests per second" } }],
    [200, SAYS_LIMIT_EXCEEDED, SAYS_LIMIT_EXCEEDED],
  ])("plays the throttle as status %i with the configured body", async (status, body, expected) => {
    await freshSimulator({ requestsPerSecond: 1, throttle: { status, body, dailyBody: null, retryAfter: null } });
    expect((await calltouch("create", createBody("o-1"))).status).toBe(200);
    expect(await calltouch("create", createBody("o-2"))).toMatchObject({ status, body: expected });
    expect((await heldOrders()).map((held) => held.orderNumber)).toEqual(["o-1"]);
  });

  it("checks auth before the limit, and auth refusals do not use it up", async () => {
    await freshSimulator({ requestsPerSecond: 1 });
    for (let i = 0; i < 3; i++) expect((await calltouch("create", createBody("o-1"), { "Access-Token": "wrong" })).status).toBe(401);
    expect((await calltouch("create", createBody("o-1"))).status).toBe(200);
    expect((await calltouch("create", createBody("o-2"))).status).toBe(429);
    expect((await calltouch("create", createBody("o-3"), { "Access-Token": "wrong" })).status).toBe(401);
  });

  it("answers like a throttle, with its own text, once the daily points are spent", async () => {
    await freshSimulator({
      dailyPoints: 2,
      pointsPerRequest: 1,
      throttle: { status: 429, body: { custom: "per-second" }, dailyBody: null, retryAfter: null },
    });
    expect((await calltouch("create", { crm: "crm", orders: [] })).status).toBe(400); // refused requests cost nothing
    expect((await calltouch("create", createBody("o-1"))).status).toBe(200);
    expect((await calltouch("create", createBody("o-2"))).status).toBe(200);
    expect(await calltouch("create", createBody("o-3"))).toMatchObject({
      status: 429,
      body: { data: null, error: { code: "DAILY_LIMIT_EXCEEDED", message: "Daily API points limit exhausted: 2 points a day" } },
    });
    expect((await control("GET", "stats")).body.pointsSpentToday).toBe(2);
    expect((await loggedRequests("?outcome=throttled")).map((entry) => entry.seq)).toEqual([4]);

    await control("PUT", "config", { throttle: { dailyBody: { data: { message: "Daily limit exceeded" } } } });
    expect((await calltouch("create", createBody("o-3"))).body).toEqual({ data: { message: "Daily limit exceeded" } });
    await control("DELETE", "requests");
    expect((await calltouch("create", createBody("o-3"))).status).toBe(200);
  });
});
