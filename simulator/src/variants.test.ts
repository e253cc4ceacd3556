// The variants the gateway's answer classifier needs besides the ones of calltouch.test.ts: several sites
// behind one rate window, whole-request refusals of chosen orders, and a throttle that says when to come back.
import { exports } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { CALLTOUCH_HEADERS, calltouch, control, createBody, freshSimulator, heldOrders, loggedRequests } from "./test-support";

beforeEach(() => freshSimulator());

describe("several sites", () => {
  const other = { "Access-Token": "token-of-67890", SiteId: "67890" };

  it("accepts each site's own credentials, keeps each site's deals apart, and refuses a token with another site's id", async () => {
    await control("PUT", "config", { sites: [{ siteId: "67890", accessToken: "token-of-67890" }] });

    expect((await calltouch("create", createBody("o-1"))).status).toBe(200);
    expect((await calltouch("create", createBody("o-1"), other)).body.data.orders[0]).toEqual({ calltouchOrderId: 2, orderNumber: "o-1" });
    expect(await calltouch("update", { orders: [{ orderNumber: "o-2" }] }, other)).toMatchObject({
      body: { data: { orders: [{ error: 'Order with orderNumber "o-2" not found' }] } },
    });
    expect(await calltouch("create", createBody("o-3"), { ...other, SiteId: "12345" })).toMatchObject({
      status: 401,
      body: { error: { message: "SiteId 12345 does not belong to this Access-Token" } },
    });

    expect((await heldOrders("?siteId=67890")).map((held) => [held.siteId, held.orderNumber])).toEqual([["67890", "o-1"]]);
    expect((await heldOrders()).map((held) => held.siteId)).toEqual(["12345", "67890"]);
    expect((await loggedRequests("?outcome=ok")).map((entry) => entry.siteId)).toEqual(["12345", "67890", "67890"]);
  });

  it("counts every site's requests in the one per-second window, as Calltouch counts per source IP", async () => {
    await control("PUT", "config", { sites: [{ siteId: "67890", accessToken: "token-of-67890" }], requestsPerSecond: 2 });

    const statuses = [
      (await calltouch("create", createBody("a"))).status,
      (await calltouch("create", createBody("b"), other)).status,
      (await calltouch("create", createBody("c"), other)).status,
    ];

    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe("invalidOrders", () => {
  it("refuses the whole request for an order a rule matches, naming the order, and applies nothing", async () => {
    await control("PUT", "config", { invalidOrders: [{ orderNumberPattern: "^long-", message: "Длина поля превышает 255 символов" }] });

    const answer = await calltouch("create", createBody("ok-1", "long-1", "ok-2"));

    expect(answer).toMatchObject({
      status: 400,
      body: { data: { validationErrorData: [{ field: "orders[1]", message: "Длина поля превышает 255 символов" }] } },
    });
    expect(await heldOrders()).toEqual([]);
    expect((await calltouch("create", createBody("ok-1", "ok-2"))).status).toBe(200);
  });

  it("limits a rule to some methods, and names a delete's orderNumbers", async () => {
    await control("PUT", "config", { invalidOrders: [{ orderNumberPattern: "^x$", message: "refused", on: ["delete"] }] });

    expect((await calltouch("create", createBody("x"))).status).toBe(200);
    expect(await calltouch("delete", { orderNumbers: ["x"] })).toMatchObject({
      status: 400,
      body: { data: { validationErrorData: [{ field: "orderNumbers[0]", message: "refused" }] } },
    });
  });
});

describe("throttle.retryAfter", () => {
  it("sends Retry-After with a throttled answer, and logs it", async () => {
    await control("PUT", "config", { requestsPerSecond: 1, throttle: { retryAfter: 3 } });
    await calltouch("create", createBody("o-1"));

    const response = await exports.default.fetch("http://calltouch.test/lead-service/v1/api/client-order/create", {
      method: "POST",
      headers: CALLTOUCH_HEADERS,
      body: JSON.stringify(createBody("o-2")),
    });

    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("3");
    const [, logged] = await loggedRequests();
    expect(logged).toMatchObject({ outcome: "throttled", responseHeaders: { "Retry-After": "3" } });
  });

  it("sends none by default", async () => {
    await control("PUT", "config", { requestsPerSecond: 1 });
    await calltouch("create", createBody("o-1"));
    const [, logged] = [await calltouch("create", createBody("o-2")), ...(await loggedRequests()).slice(1)];
    expect(logged).not.toHaveProperty("responseHeaders");
  });
});
