import { fieldErrorsOf } from "@calltouch-gateway/client";
import { memoExampleOrder } from "@calltouch-gateway/contract";
import { TRPCClientError } from "@trpc/client";
import { beforeEach, describe, expect, it } from "vitest";
import { SIMULATOR_SITE_ID, SIMULATOR_TOKEN, TEST_API_KEY } from "../../worker/test/constants";
import { simulator } from "../../worker/test/simulator";
import { callGateway, gateway, responses } from "./gateway";

const createPath = "/lead-service/v1/api/client-order/create";
const updatePath = "/lead-service/v1/api/client-order/update";

beforeEach(() => simulator.reset());

describe("orders.create", () => {
  it("sends the memo's deal with the memo's matching chain, dates, money and headers", async () => {
    const { receipts } = await gateway().orders.create.mutate(memoExampleOrder);

    expect(receipts).toEqual([
      { orderNumber: memoExampleOrder.orderNumber, outcome: "delivered", calltouchOrderId: expect.any(Number) },
    ]);
    const [request, ...rest] = await simulator.requests();
    expect(rest).toEqual([]);
    expect(request!.path).toBe(createPath);
    expect(request!.headers["access-token"]).toBe(SIMULATOR_TOKEN);
    expect(request!.headers["siteid"]).toBe(SIMULATOR_SITE_ID);
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(request!.body.crm).toBe("calltouch-gateway");
    const [order] = request!.body.orders;
    expect(order).toMatchObject({
      orderNumber: "УникальныйIDсделки2",
      orderDate: "19-07-2021 16:42:32",
      statusDate: "19-07-2021 16:42:32",
      revenue: "1000.00",
    });
    expect(order.matching.map((item: { type: string }) => item.type)).toEqual(["callContact", "requestContact", "customSources"]);
    expect(order.matching[0].callContactParams).toEqual({
      phones: ["79157771122", "79009991122"],
      date: "19-07-2021 16:42:32",
      callTypeToMatch: "nearest",
      searchDepth: 259200,
    });
  });

  it("splits 250 orders into requests of 100, 100 and 50 and answers 250 receipts in input order", async () => {
    const orders = Array.from({ length: 250 }, (_, i) => ({ orderNumber: `bulk-${i}`, phones: ["+79157771122"] }));

    const { receipts } = await gateway().orders.create.mutate(orders);

    const sent = await simulator.requests();
    expect(sent.map((request) => request.body.orders.length)).toEqual([100, 100, 50]);
    expect(sent.flatMap((request) => request.body.orders.map((order: { orderNumber: string }) => order.orderNumber))).toEqual(
      orders.map((order) => order.orderNumber),
    );
    expect(receipts.map((receipt) => receipt.orderNumber)).toEqual(orders.map((order) => order.orderNumber));
    expect(receipts.every((receipt) => receipt.outcome === "delivered")).toBe(true);
    // Calltouch allows 5 requests per second: three requests take at least two intervals of 200 ms.
    expect(sent[2]!.at - sent[0]!.at).toBeGreaterThanOrEqual(400);
  });

  it("maps Calltouch's per-order refusals to the right receipts and delivers the rest", async () => {
    await simulator.configure({ rejectOrders: [{ orderNumberPattern: "^bad-", error: "Некорректный статус" }] });

    const { receipts } = await gateway().orders.create.mutate([
      { orderNumber: "good-1" },
      { orderNumber: "bad-1" },
      { orderNumber: "good-2" },
    ]);

    expect(receipts).toEqual([
      { orderNumber: "good-1", outcome: "delivered", calltouchOrderId: expect.any(Number) },
      { orderNumber: "bad-1", outcome: "rejected", error: "Некорректный статус" },
      { orderNumber: "good-2", outcome: "delivered", calltouchOrderId: expect.any(Number) },
    ]);
    expect(await simulator.requests()).toHaveLength(1);
  });

  it("reports an upstream failure on every receipt of the failed request", async () => {
    await simulator.configure({ failNext: 1, failureStatus: 502 });

    const { receipts } = await gateway().orders.create.mutate([{ orderNumber: "a" }, { orderNumber: "b" }]);

    expect(receipts).toEqual([
      { orderNumber: "a", outcome: "failed", reason: "retryable", error: "Calltouch failed (HTTP 502)" },
      { orderNumber: "b", outcome: "failed", reason: "retryable", error: "Calltouch failed (HTTP 502)" },
    ]);
  });

  it("gives up on a Calltouch that does not answer within the timeout", async () => {
    await simulator.configure({ timeoutRate: 1, timeoutMs: 3000 });

    const { receipts } = await gateway().orders.create.mutate({ orderNumber: "slow" });

    expect(receipts).toEqual([
      { orderNumber: "slow", outcome: "failed", reason: "retryable", error: "Calltouch did not answer within 1000 ms" },
    ]);
  });

  it("reports refused credentials as a configuration failure, without the token", async () => {
    await simulator.configure({ accessToken: "rotated-token" });

    const { receipts } = await gateway().orders.create.mutate({ orderNumber: "a" });

    expect(receipts[0]).toMatchObject({ outcome: "failed", reason: "configuration" });
    expect(receipts[0]!.outcome === "failed" && receipts[0]!.error).toMatch(/CALLTOUCH_TOKEN/);
  });
});

describe("orders.update", () => {
  it("sends only the fields given, in update's wire shape, and maps an unknown order's refusal", async () => {
    const client = gateway();
    await client.orders.create.mutate({ orderNumber: "known", phones: ["89157771122"] });

    const { receipts } = await client.orders.update.mutate([
      { orderNumber: "known", status: "Оплачен", revenue: "2500.5", comment: "paid", tags: ["vip"] },
      { orderNumber: "unknown", status: "Оплачен" },
    ]);

    expect(receipts[0]).toMatchObject({ orderNumber: "known", outcome: "delivered" });
    expect(receipts[1]).toMatchObject({ orderNumber: "unknown", outcome: "rejected", error: expect.any(String) });
    const update = (await simulator.requests()).find((request) => request.path === updatePath)!;
    const [known] = update.body.orders;
    expect(Object.keys(known).sort()).toEqual(["addNewComment", "addTags", "orderNumber", "revenue", "status", "statusDate"]);
    expect(known).toMatchObject({
      revenue: "2500.50",
      addNewComment: { text: "paid" },
      addTags: { overwrite: false, tags: [{ tag: "vip" }] },
    });
    expect(known.statusDate).toMatch(/^\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}$/);
  });
});

describe("refusals", () => {
  it("answers 400 naming each offending field, and sends nothing upstream", async () => {
    const error = await gateway()
      .orders.create.mutate([
        { orderNumber: "ok", phones: ["+79157771122"] },
        { orderNumber: "bad", phones: ["12"], orderDate: "yesterday", revenue: "12.345" },
      ])
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<any>).data.httpStatus).toBe(400);
    const fields = fieldErrorsOf(error)!.map((fieldError) => fieldError.field).sort();
    expect(fields).toEqual(["[1].orderDate", "[1].phones[0]", "[1].revenue"]);
    expect(await simulator.requests()).toEqual([]);
  });

  it("rejects an unknown key such as a misspelt revenue", async () => {
    const response = await callGateway("http://gateway.test/trpc/orders.create", {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_API_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ orderNumber: "typo", revenu: 100 }),
    });

    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { data: { fieldErrors: { message: string }[] } } };
    expect(body.error.data.fieldErrors[0]!.message).toMatch(/revenu/);
    expect(await simulator.requests()).toEqual([]);
  });

  it.each([
    ["no key", undefined],
    ["a wrong key", "not-the-key"],
  ])("answers 401 to %s and sends nothing upstream", async (_, key) => {
    const response = await callGateway("http://gateway.test/trpc/orders.create", {
      method: "POST",
      headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ orderNumber: "x" }),
    });

    expect(response.status).toBe(401);
    expect(await simulator.requests()).toEqual([]);
  });
});

// Runs last: every response of the tests above, refusals and failures included, kept secrets inside.
it("leaks no token, API key or stack trace in any response", () => {
  expect(responses.length).toBeGreaterThan(10);
  for (const { body } of responses) {
    expect(body).not.toContain(SIMULATOR_TOKEN);
    expect(body).not.toContain(TEST_API_KEY);
    expect(body).not.toMatch(/\bat .+:\d+:\d+/);
    expect(body).not.toContain('"stack"');
  }
});
