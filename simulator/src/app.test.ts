import { evictDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { defaultConfig } from "./config";
import { calltouch, control, createBody, freshSimulator, heldOrders, loggedRequests } from "./test-support";

beforeEach(() => freshSimulator());

describe("GET /__simulator/requests", () => {
  it("lists every request in order with path, headers, body, status, outcome and response", async () => {
    const created = await calltouch("create", createBody("o-1"));
    await calltouch("update", { orders: [{ orderNumber: "o-1", orderDate: "x" }] });
    const [first, second] = await loggedRequests();
    expect(first).toEqual({
      seq: 1,
      at: expect.any(Number),
      method: "POST",
      path: "/lead-service/v1/api/client-order/create",
      query: "",
      headers: expect.objectContaining({ "access-token": "simulator-token", siteid: "12345", "content-type": "application/json" }),
      body: createBody("o-1"),
      status: 200,
      outcome: "ok",
      response: created.body,
      siteId: "12345",
      heldMs: 0,
    });
    expect(second).toMatchObject({ seq: 2, path: "/lead-service/v1/api/client-order/update", status: 400, outcome: "invalid" });
    expect(second!.at).toBeGreaterThanOrEqual(first!.at);
  });

  it("filters by path, seq and outcome", async () => {
    await calltouch("create", createBody("o-1"));
    await calltouch("update", { orders: [{ orderNumber: "o-1" }] });
    await calltouch("create", createBody("o-1"), { SiteId: "0" });
    await calltouch("delete", { orderNumbers: ["o-1"] });
    const seqs = async (query: string) => (await loggedRequests(query)).map((entry) => entry.seq);
    expect(await seqs("?path=create")).toEqual([1, 3]);
    expect(await seqs("?since=2")).toEqual([3, 4]);
    expect(await seqs("?outcome=auth")).toEqual([3]);
    expect(await seqs("?path=create&since=1&outcome=auth")).toEqual([3]);
  });

  it("refuses a query it does not know", async () => {
    expect(await control("GET", "requests?since=-1&limit=5")).toEqual({
      status: 400,
      body: {
        error: "invalid query",
        issues: [
          { field: "since", message: "Too small: expected number to be >=0" },
          { field: "limit", message: "unknown key" },
        ],
      },
      elapsedMs: expect.any(Number),
    });
  });
});

describe("DELETE /__simulator/requests", () => {
  it("forgets requests, orders and ids but keeps the config", async () => {
    await control("PUT", "config", { echoOrderNumber: false });
    await calltouch("create", createBody("o-1", "o-2"));
    expect((await control("DELETE", "requests")).body).toEqual({ forgotten: { requests: 1, orders: 2 } });
    expect(await loggedRequests()).toEqual([]);
    expect(await heldOrders()).toEqual([]);
    expect((await calltouch("create", createBody("o-3"))).body.data.orders).toEqual([{ calltouchOrderId: 1 }]);
    expect((await loggedRequests())[0]?.seq).toBe(1);
  });
});

describe("GET /__simulator/orders", () => {
  it("lists the deals by id, or those of one orderNumber", async () => {
    await calltouch("create", createBody("o-1", "o-2"));
    expect((await heldOrders()).map((held) => held.calltouchOrderId)).toEqual([1, 2]);
    expect((await heldOrders("?orderNumber=o-2")).map((held) => held.calltouchOrderId)).toEqual([2]);
  });
});

describe("/__simulator/config", () => {
  it("starts from the defaults, credentials from the Worker's vars", async () => {
    await control("DELETE", "config");
    const config = (await control("GET", "config")).body;
    expect(config).toEqual(defaultConfig(env));
    expect(config).toMatchObject({ accessToken: "simulator-token", siteId: "12345", requestsPerSecond: 5, maxOrdersPerRequest: 100 });
  });

  it("PUT merges a partial config, nested objects one level deep, and answers the whole result", async () => {
    await control("PUT", "config", { throttle: { body: { message: "slow down" } } });
    const answer = await control("PUT", "config", { throttle: { status: 503 }, latencyMs: 10 });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      ...defaultConfig(env),
      requestsPerSecond: null,
      throttle: { status: 503, body: { message: "slow down" }, dailyBody: null, retryAfter: null },
      latencyMs: 10,
    });
  });

  it("PUT refuses unknown keys and bad values, names each, and changes nothing", async () => {
    const before = (await control("GET", "config")).body;
    const answer = await control("PUT", "config", {
      failureRate: 2,
      duplicateCreate: "merge",
      throttle: { status: 204, retryAfter: -1 },
      rejectOrders: [{ orderNumberPattern: "(", error: "x" }],
      failNextt: 1,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe("invalid config");
    expect(answer.body.issues.map((issue: { field: string }) => issue.field)).toEqual([
      "duplicateCreate",
      "rejectOrders[0].orderNumberPattern",
      "throttle.status",
      "throttle.retryAfter",
      "failureRate",
      "failNextt",
    ]);
    expect(answer.body.issues).toContainEqual({ field: "failNextt", message: "unknown key" });
    expect(answer.body.issues).toContainEqual({ field: "throttle.status", message: "this status cannot carry a body" });
    expect((await control("GET", "config")).body).toEqual(before);
    expect((await control("PUT", "config", "{oops" as unknown)).status).toBe(400);
  });

  it("DELETE goes back to the defaults", async () => {
    await control("PUT", "config", { accessToken: "rotated", failNext: 3 });
    expect((await control("DELETE", "config")).body).toEqual(defaultConfig(env));
  });
});

describe("GET /__simulator/stats", () => {
  it("counts requests by outcome and the orders held", async () => {
    await calltouch("create", createBody("o-1"));
    await calltouch("create", createBody("o-2"), { "Access-Token": "x" });
    await calltouch("create", { crm: "crm" });
    expect((await control("GET", "stats")).body).toEqual({
      requests: 3,
      byOutcome: { ok: 1, invalid: 1, auth: 1, throttled: 0, fault: 0, timeout: 0, not_found: 0 },
      maxInAnySecond: { all: 3, admitted: 2 },
      orders: 1,
      pointsSpentToday: 1,
    });
  });
});

it("answers 404 with the list of control endpoints for an unknown one", async () => {
  const answer = await control("GET", "nope");
  expect(answer.status).toBe(404);
  expect(answer.body.endpoints).toContain("PUT /__simulator/config");
});

it("keeps config, log and orders when the idle Durable Object is evicted", async () => {
  await control("PUT", "config", { echoOrderNumber: false });
  await calltouch("create", createBody("o-1"));
  await evictDurableObject(env.CALLTOUCH.get(env.CALLTOUCH.idFromName("default")));
  expect((await control("GET", "config")).body.echoOrderNumber).toBe(false);
  expect(await loggedRequests()).toHaveLength(1);
  expect((await calltouch("create", createBody("o-2"))).body.data.orders).toEqual([{ calltouchOrderId: 2 }]);
});

describe("the hosts it answers at", () => {
  it("answers on this machine and at the tests' .test names, and refuses any other host with 403", async () => {
    for (const url of [
      "http://localhost:8788",
      "http://127.0.0.1:8788",
      "http://[::1]:8788",
      "http://calltouch.test",
      "http://a.localhost",
    ]) {
      expect((await exports.default.fetch(`${url}/__simulator/stats`)).status).toBe(200);
    }
    for (const url of [
      "https://calltouch-simulator.someone.workers.dev",
      "http://192.168.1.10:8788",
      "http://localhost.evil.example",
      "http://test",
    ]) {
      const response = await exports.default.fetch(`${url}/__simulator/stats`);
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ error: expect.stringMatching(/only on this machine/) });
    }
  });
});
