import { reset } from "cloudflare:test";
import { fieldErrorsOf } from "@calltouch-gateway/client";
import { memoExampleOrder } from "@calltouch-gateway/contract";
import { TRPCClientError } from "@trpc/client";
import { beforeEach, describe, expect, it } from "vitest";
import {
  MAX_ORDERS_PER_CALL,
  SIMULATOR_SITE_ID,
  SIMULATOR_TOKEN,
  SIMULATOR_URL,
  TEST_API_KEY,
  WRITER_KEY,
} from "../../worker/test/constants";
import { simulator } from "../../worker/test/simulator";
import { callGateway, gateway, responses, settle } from "./gateway";

const createPath = "/lead-service/v1/api/client-order/create";
const updatePath = "/lead-service/v1/api/client-order/update";

beforeEach(async () => {
  await reset();
  await simulator.reset();
});

describe("orders.create", () => {
  it("answers a queued receipt at once, then delivers the memo's deal with the memo's chain, dates, money and headers", async () => {
    const client = gateway();
    const { receipts } = await client.orders.create.mutate(memoExampleOrder);
    expect(receipts).toEqual([{ orderNumber: memoExampleOrder.orderNumber, changeId: 1, state: "queued", attempts: 0 }]);

    await settle();

    const [request, ...rest] = await simulator.requests();
    expect(rest).toEqual([]);
    expect(request!.path).toBe(createPath);
    expect(request!.headers["access-token"]).toBe(SIMULATOR_TOKEN);
    expect(request!.headers.siteid).toBe(SIMULATOR_SITE_ID);
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

  it("holds the answer until delivery when asked to wait, with Calltouch's id", async () => {
    const { receipts } = await gateway().orders.create.mutate({ orders: [memoExampleOrder], wait: 10_000 });

    expect(receipts).toEqual([
      {
        orderNumber: memoExampleOrder.orderNumber,
        changeId: 1,
        state: "delivered",
        calltouchOrderId: 1,
        deliveredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        attempts: 1,
      },
    ]);
  });

  it("splits 250 orders into requests of 100, 100 and 50, in input order", async () => {
    const orders = Array.from({ length: 250 }, (_, i) => ({ orderNumber: `bulk-${i}`, phones: ["+79157771122"] }));

    const { receipts } = await gateway().orders.create.mutate({ orders, wait: 10_000 });

    const sent = await simulator.requests();
    expect(sent.map((request) => request.body.orders.length)).toEqual([100, 100, 50]);
    expect(sent.flatMap((request) => request.body.orders.map((order: { orderNumber: string }) => order.orderNumber))).toEqual(
      orders.map((order) => order.orderNumber),
    );
    expect(receipts.map((receipt) => receipt.orderNumber)).toEqual(orders.map((order) => order.orderNumber));
    expect(receipts.every((receipt) => receipt.state === "delivered")).toBe(true);
  });

  it("maps Calltouch's per-order refusals to the right receipts and delivers the rest", async () => {
    await simulator.configure({ rejectOrders: [{ orderNumberPattern: "^bad-", error: "Некорректный статус" }] });

    const { receipts } = await gateway().orders.create.mutate({
      orders: [{ orderNumber: "good-1" }, { orderNumber: "bad-1" }, { orderNumber: "good-2" }],
      wait: 10_000,
    });

    expect(receipts).toMatchObject([
      { orderNumber: "good-1", state: "delivered", calltouchOrderId: 1 },
      { orderNumber: "bad-1", state: "dead", error: "Некорректный статус", attempts: 1 },
      { orderNumber: "good-2", state: "delivered", calltouchOrderId: 2 },
    ]);
    expect(await simulator.requests()).toHaveLength(1);
  });

  it("sends a create of a deal Calltouch already holds as an update", async () => {
    const client = gateway();
    await client.orders.create.mutate({ orders: [{ orderNumber: "again", status: "Новая" }], wait: 10_000 });

    const { receipts } = await client.orders.create.mutate({
      orders: [{ orderNumber: "again", status: "Оплачена", comment: "second create" }],
      wait: 10_000,
    });

    expect(receipts[0]).toMatchObject({ state: "delivered", calltouchOrderId: 1 });
    const [, second] = await simulator.requests();
    expect(second!.path).toBe(updatePath);
    expect(second!.body.orders[0]).toMatchObject({ orderNumber: "again", status: "Оплачена", addNewComment: { text: "second create" } });
    const { orders } = await client.orders.status.query({ orderNumbers: ["again"] });
    expect(orders[0]!.changes.map((change) => [change.kind, change.sentAs])).toEqual([
      ["create", "create"],
      ["create", "update"],
    ]);
  });

  it("tests a create that Calltouch answers 'already exists' with an update, which delivers it and teaches the ledger", async () => {
    // The deal was created in Calltouch by someone else: the gateway's ledger does not know it.
    const elsewhere = await fetch(`${SIMULATOR_URL}${createPath}`, {
      method: "POST",
      headers: { "access-token": SIMULATOR_TOKEN, siteid: SIMULATOR_SITE_ID, "content-type": "application/json" },
      body: JSON.stringify({
        crm: "another-integration",
        orders: [
          {
            orderNumber: "made-elsewhere",
            status: "Новая",
            orderDate: "01-02-2026 10:00:00",
            statusDate: "01-02-2026 10:00:00",
            matching: [{ type: "withoutSource" }],
          },
        ],
      }),
    });
    expect(elsewhere.status).toBe(200);

    const { receipts } = await gateway().orders.create.mutate({
      orders: [{ orderNumber: "made-elsewhere", status: "Оплачена" }],
      wait: 10_000,
    });

    expect(receipts[0]).toMatchObject({ state: "delivered", attempts: 2 });
    const [, refused, retried] = await simulator.requests();
    expect(refused!.response.data.orders[0].error).toMatch(/already exists/);
    expect(retried!.path).toBe(updatePath);
    expect(retried!.body.orders[0]).toMatchObject({ orderNumber: "made-elsewhere", status: "Оплачена" });
    const { orders } = await gateway().orders.status.query({ orderNumbers: ["made-elsewhere"] });
    expect(orders[0]!.ledger).toEqual({ calltouchOrderId: 1, since: expect.any(String), learnedFrom: receipts[0]!.changeId });
  });

  it(`refuses more than MAX_ORDERS_PER_CALL (${MAX_ORDERS_PER_CALL} here) orders with 413, storing nothing`, async () => {
    const orders = Array.from({ length: MAX_ORDERS_PER_CALL + 1 }, (_, i) => ({ orderNumber: `many-${i}` }));
    const response = await callGateway("http://gateway.test/trpc/orders.create", post(orders));

    expect(response.status).toBe(413);
    expect((await gateway().deliveries.stats.query()).queued).toBe(0);
  });
});

describe("orders.validate", () => {
  it("shows exactly the Calltouch order that is then sent, and stores nothing", async () => {
    const client = gateway();
    const dryRun = await client.orders.validate.mutate({ create: memoExampleOrder });
    expect((await client.deliveries.stats.query()).queued).toBe(0);

    await client.orders.create.mutate({ orders: [memoExampleOrder], wait: 10_000 });

    const [sent] = await simulator.requests();
    expect(dryRun).toEqual({ orders: [{ orderNumber: memoExampleOrder.orderNumber, sentAs: "create", calltouch: sent!.body.orders[0] }] });
    // Now the ledger knows the deal: a second create would go as an update.
    const again = await client.orders.validate.mutate({ create: { ...memoExampleOrder, comment: "again" } });
    expect(again.orders[0]).toMatchObject({ sentAs: "update", calltouch: { addNewComment: { text: "again" } } });
    expect(again.orders[0]!.calltouch).not.toHaveProperty("matching");
  });

  it("tells whether Calltouch holds a deal (sentAs) only to a key that may read deals", async () => {
    await gateway().orders.create.mutate({ orders: [memoExampleOrder], wait: 10_000 });
    const writer = await gateway(WRITER_KEY).orders.validate.mutate({ create: { ...memoExampleOrder, comment: "again" } });
    // Compiled as the create it asked for: neither a sentAs nor an update's shape gives the ledger away.
    expect(writer.orders[0]).not.toHaveProperty("sentAs");
    expect(writer.orders[0]!.calltouch).toMatchObject({ comment: { text: "again" }, matching: expect.any(Array) });
    expect(writer.orders[0]!.calltouch).not.toHaveProperty("addNewComment");
    const reader = await gateway().orders.validate.mutate({ create: memoExampleOrder });
    expect(reader.orders[0]).toMatchObject({ sentAs: "update" });
  });

  it("refuses what the call would refuse, naming the field", async () => {
    const error = await gateway()
      .orders.validate.mutate({ update: { orderNumber: "x", phones: ["12"] } })
      .catch((caught: unknown) => caught);

    expect(fieldErrorsOf(error)!.map((fieldError) => fieldError.field)).toEqual(["update.phones[0]"]);
  });
});

describe("orders.update", () => {
  it("sends only the fields given, in update's wire shape, and reports an unknown order's refusal", async () => {
    const client = gateway();
    await client.orders.create.mutate({ orders: [{ orderNumber: "known", phones: ["89157771122"] }], wait: 10_000 });

    const { receipts } = await client.orders.update.mutate({
      orders: [
        { orderNumber: "known", status: "Оплачен", revenue: "2500.5", comment: "paid", tags: ["vip"] },
        { orderNumber: "unknown", status: "Оплачен" },
      ],
      wait: 10_000,
    });

    expect(receipts[0]).toMatchObject({ orderNumber: "known", state: "delivered" });
    expect(receipts[1]).toMatchObject({ orderNumber: "unknown", state: "dead", error: expect.stringMatching(/not found/) });
    const update = (await simulator.requests()).find((request) => request.path === updatePath)!;
    const known = update.body.orders.find((order: { orderNumber: string }) => order.orderNumber === "known");
    expect(Object.keys(known).sort()).toEqual(["addNewComment", "addTags", "orderNumber", "revenue", "status", "statusDate"]);
    expect(known).toMatchObject({
      revenue: "2500.50",
      addNewComment: { text: "paid" },
      addTags: { overwrite: false, tags: [{ tag: "vip" }] },
    });
    expect(known.statusDate).toMatch(/^\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}$/);
  });
});

describe("idempotency", () => {
  const order = { orderNumber: "idem-1", status: "Новая" };

  it("answers a retried call with the first call's receipts and stores nothing twice", async () => {
    const client = gateway();
    const headers = { "idempotency-key": "call-1" };
    const first = await callGateway("http://gateway.test/trpc/orders.create", post(order, headers));
    const second = await callGateway("http://gateway.test/trpc/orders.create", post(order, headers));

    const [a, b] = [await first.json(), await second.json()] as { result: { data: { receipts: { changeId: number }[] } } }[];
    expect(b!.result.data.receipts[0]!.changeId).toBe(a!.result.data.receipts[0]!.changeId);
    await settle();
    expect((await client.orders.status.query({ orderNumbers: ["idem-1"] })).orders[0]!.changes).toHaveLength(1);
    expect(await simulator.requests()).toHaveLength(1);
  });

  it("refuses the same key with another body with 409, storing nothing", async () => {
    const headers = { "idempotency-key": "call-2" };
    await callGateway("http://gateway.test/trpc/orders.create", post(order, headers));
    const conflict = await callGateway("http://gateway.test/trpc/orders.create", post({ ...order, status: "Другой" }, headers));

    expect(conflict.status).toBe(409);
    const { orders } = await gateway().orders.status.query({ orderNumbers: ["idem-1"] });
    expect(orders[0]!.changes).toHaveLength(1);
  });

  it("takes a per-order key: a repeated order is answered, not stored again", async () => {
    const client = gateway();
    const keyed = { ...order, idempotencyKey: "order-key-1" };
    const first = await client.orders.create.mutate(keyed);
    const second = await client.orders.create.mutate([keyed, { orderNumber: "idem-2" }]);

    expect(second.receipts[0]!.changeId).toBe(first.receipts[0]!.changeId);
    expect(second.receipts[1]!.changeId).not.toBe(first.receipts[0]!.changeId);
    const error = await client.orders.create.mutate({ ...keyed, status: "Другой" }).catch((caught: unknown) => caught);
    expect((error as TRPCClientError<any>).data.httpStatus).toBe(409);
  });
});

describe("refusals", () => {
  it("answers 400 naming each offending field, and stores and sends nothing", async () => {
    const client = gateway();
    const error = await client.orders.create
      .mutate([
        { orderNumber: "ok", phones: ["+79157771122"] },
        { orderNumber: "bad", phones: ["12"], orderDate: "yesterday", revenue: "12.345" },
      ])
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<any>).data.httpStatus).toBe(400);
    const fields = fieldErrorsOf(error)!
      .map((fieldError) => fieldError.field)
      .sort();
    expect(fields).toEqual(["[1].orderDate", "[1].phones[0]", "[1].revenue"]);
    expect((await client.orders.status.query({ orderNumbers: ["ok"] })).orders[0]!.state).toBe("unknown");
    expect(await simulator.requests()).toEqual([]);
  });

  it("rejects an unknown key such as a misspelt revenue", async () => {
    const response = await callGateway("http://gateway.test/trpc/orders.create", post({ orderNumber: "typo", revenu: 100 }));

    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { data: { fieldErrors: { message: string }[] } } };
    expect(body.error.data.fieldErrors[0]!.message).toMatch(/revenu/);
  });

  it.each([
    ["no key", undefined],
    ["a wrong key", "not-the-key"],
  ])("answers 401 to %s and stores nothing", async (_, key) => {
    const response = await callGateway("http://gateway.test/trpc/orders.create", {
      method: "POST",
      headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ orderNumber: "x" }),
    });

    expect(response.status).toBe(401);
    expect((await gateway().deliveries.stats.query()).queued).toBe(0);
  });
});

function post(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_API_KEY}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

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
