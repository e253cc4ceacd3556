import { exports } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { calltouch, control, createBody, createOrder, freshSimulator, heldOrders, loggedRequests } from "./test-support";

beforeEach(() => freshSimulator());

describe("auth", () => {
  it.each([
    ["a wrong Access-Token", { "Access-Token": "leaked-old-token" }, "Access-Token is not valid"],
    ["no Access-Token", { "Access-Token": undefined }, "Access-Token header is missing"],
    ["a wrong SiteId", { SiteId: "54321" }, "SiteId 54321 does not belong to this Access-Token"],
    ["no SiteId", { SiteId: undefined }, "SiteId header is missing"],
  ])("refuses %s with 401, before validation, changing nothing", async (_, headers, message) => {
    const answer = await calltouch("create", createBody("o-1"), headers);
    expect(answer).toMatchObject({ status: 401, body: { data: null, error: { code: "UNAUTHORIZED", message } } });
    // Even an invalid body gets the auth answer: a configuration fault must not hide behind a validation one.
    expect((await calltouch("create", "{not json", headers)).status).toBe(401);
    expect(await heldOrders()).toEqual([]);
    expect((await loggedRequests()).map((entry) => entry.outcome)).toEqual(["auth", "auth"]);
  });

  it("plays the configured status and body", async () => {
    await control("PUT", "config", { auth: { status: 403, body: { message: "Forbidden" } } });
    expect(await calltouch("update", { orders: [{ orderNumber: "o-1" }] }, { SiteId: "1" })).toMatchObject({
      status: 403,
      body: { message: "Forbidden" },
    });
  });

  it("follows a rotated token and a changed site id", async () => {
    await control("PUT", "config", { accessToken: "rotated", siteId: "777" });
    expect((await calltouch("create", createBody("o-1"))).status).toBe(401);
    expect((await calltouch("create", createBody("o-1"), { "Access-Token": "rotated", SiteId: "777" })).status).toBe(200);
  });
});

describe("create and update", () => {
  it("answers one item per order, in request order, with increasing ids", async () => {
    const answer = await calltouch("create", createBody("o-1", "o-2", "o-3"));
    expect(answer).toEqual({
      status: 200,
      body: {
        data: {
          orders: [
            { calltouchOrderId: 1, orderNumber: "o-1" },
            { calltouchOrderId: 2, orderNumber: "o-2" },
            { calltouchOrderId: 3, orderNumber: "o-3" },
          ],
        },
      },
      elapsedMs: expect.any(Number),
    });
    const [first] = await heldOrders();
    expect(first).toMatchObject({
      calltouchOrderId: 1,
      orderNumber: "o-1",
      crm: "test-crm",
      deal: { status: "Запись", revenue: "1000.00", orderDate: "19-07-2021 16:42:32", tags: ["Тег1"], comments: [] },
      history: [{ seq: 1, applied: "create", order: createOrder("o-1") }],
    });
  });

  it("refuses to update an unknown order and applies the rest of the batch", async () => {
    await calltouch("create", createBody("known"));
    const answer = await calltouch("update", {
      orders: [
        { orderNumber: "unknown", status: "Оплачен" },
        { orderNumber: "known", status: "Оплачен", revenue: 1500 },
      ],
    });
    expect(answer.status).toBe(200);
    expect(answer.body.data.orders).toEqual([
      { orderNumber: "unknown", error: 'Order with orderNumber "unknown" not found' },
      { calltouchOrderId: 1, orderNumber: "known" },
    ]);
    const held = await heldOrders();
    expect(held).toHaveLength(1);
    expect(held[0]?.deal).toMatchObject({ status: "Оплачен", revenue: 1500, orderDate: "19-07-2021 16:42:32" });
    expect(held[0]?.history.map((change) => [change.seq, change.applied])).toEqual([
      [1, "create"],
      [2, "update"],
    ]);
  });

  it("keeps matching, comments and tags under one name whichever method set them", async () => {
    await calltouch("create", { crm: "crm", orders: [createOrder("o-1", { comment: { text: "first" } })] });
    await calltouch("update", {
      orders: [
        {
          orderNumber: "o-1",
          addNewComment: { text: "second" },
          addTags: { tags: [{ tag: "Тег2" }] },
          reMatching: [{ type: "withoutSource" }],
        },
      ],
    });
    expect((await heldOrders())[0]?.deal).toMatchObject({
      comments: ["first", "second"],
      tags: ["Тег1", "Тег2"],
      matching: [{ type: "withoutSource" }],
    });
    await calltouch("update", { orders: [{ orderNumber: "o-1", addTags: { overwrite: true, tags: [{ tag: "Тег3" }] } }] });
    expect((await heldOrders())[0]?.deal.tags).toEqual(["Тег3"]);
  });

  it("updateMode replace clears what the update omits but keeps the deal's matching", async () => {
    await control("PUT", "config", { updateMode: "replace" });
    await calltouch("create", createBody("o-1"));
    await calltouch("update", { orders: [{ orderNumber: "o-1", status: "Оплачен" }] });
    const [held] = await heldOrders();
    expect(held?.deal).toEqual({
      comments: [],
      tags: [],
      matching: createOrder("o-1").matching,
      status: "Оплачен",
    });
  });

  it("echoOrderNumber false answers ids and errors alone", async () => {
    await control("PUT", "config", { echoOrderNumber: false });
    await calltouch("create", createBody("o-1"));
    const answer = await calltouch("update", { orders: [{ orderNumber: "o-1" }, { orderNumber: "o-2" }] });
    expect(answer.body.data.orders).toEqual([{ calltouchOrderId: 1 }, { error: 'Order with orderNumber "o-2" not found' }]);
  });

  it("a crm sent on update replaces the deal's", async () => {
    await calltouch("create", createBody("o-1"));
    await calltouch("update", { crm: "other-crm", orders: [{ orderNumber: "o-1" }] });
    expect((await heldOrders())[0]?.crm).toBe("other-crm");
  });
});

describe("duplicateCreate", () => {
  it("error (default): the second create is refused per order, the first deal untouched", async () => {
    await calltouch("create", createBody("o-1"));
    const answer = await calltouch("create", { crm: "crm", orders: [createOrder("o-1", { status: "Другой" }), createOrder("o-2")] });
    expect(answer.body.data.orders).toEqual([
      { orderNumber: "o-1", error: 'Order with orderNumber "o-1" already exists' },
      { calltouchOrderId: 2, orderNumber: "o-2" },
    ]);
    expect((await heldOrders("?orderNumber=o-1")).map((held) => held.deal.status)).toEqual(["Запись"]);
  });

  it("upsert: the second create applies as an update to the same id", async () => {
    await control("PUT", "config", { duplicateCreate: "upsert" });
    await calltouch("create", createBody("o-1"));
    const answer = await calltouch("create", { crm: "crm", orders: [createOrder("o-1", { status: "Другой" })] });
    expect(answer.body.data.orders).toEqual([{ calltouchOrderId: 1, orderNumber: "o-1" }]);
    const held = await heldOrders();
    expect(held).toHaveLength(1);
    expect(held[0]?.deal.status).toBe("Другой");
    expect(held[0]?.history.map((change) => change.applied)).toEqual(["create", "upsert"]);
  });

  it("duplicate: a second record with a new id; updates and deletes reach both", async () => {
    await control("PUT", "config", { duplicateCreate: "duplicate" });
    await calltouch("create", createBody("o-1"));
    const answer = await calltouch("create", createBody("o-1"));
    expect(answer.body.data.orders).toEqual([{ calltouchOrderId: 2, orderNumber: "o-1" }]);
    expect((await heldOrders()).map((held) => [held.calltouchOrderId, held.orderNumber])).toEqual([
      [1, "o-1"],
      [2, "o-1"],
    ]);
    const update = await calltouch("update", { orders: [{ orderNumber: "o-1", status: "Оплачен" }] });
    expect(update.body.data.orders).toEqual([{ calltouchOrderId: 2, orderNumber: "o-1" }]);
    expect((await heldOrders()).map((held) => held.deal.status)).toEqual(["Оплачен", "Оплачен"]);
    await calltouch("delete", { orderNumbers: ["o-1"] });
    expect(await heldOrders()).toEqual([]);
  });
});

describe("one deal twice in a request", () => {
  // The simulator reads a request's deals at once and writes them at the end: each order must still see the
  // orders before it, as if each had been written alone.
  it("meets itself in request order: a create, the creates after it, updates and deletes", async () => {
    const twice = await calltouch("create", { crm: "crm", orders: [createOrder("o-1"), createOrder("o-1")] });
    expect(twice.body.data.orders).toEqual([
      { calltouchOrderId: 1, orderNumber: "o-1" },
      { orderNumber: "o-1", error: 'Order with orderNumber "o-1" already exists' },
    ]);
    await calltouch("update", {
      orders: [
        { orderNumber: "o-1", status: "Оплачен" },
        { orderNumber: "o-1", addNewComment: { text: "c" } },
      ],
    });
    const [held] = await heldOrders();
    expect(held?.deal).toMatchObject({ status: "Оплачен", comments: ["c"] });
    expect(held?.history.map((change) => change.applied)).toEqual(["create", "update", "update"]);

    const gone = await calltouch("delete", { orderNumbers: ["o-1", "o-1"] });
    expect(gone.body.data.orders).toEqual([
      { calltouchOrderId: 1, orderNumber: "o-1" },
      { orderNumber: "o-1", error: 'Order with orderNumber "o-1" not found' },
    ]);
    expect(await heldOrders()).toEqual([]);
  });

  it.each([
    ["upsert", [[1, "Другой"]], ["create", "upsert"]],
    [
      "duplicate",
      [
        [1, "Запись"],
        [2, "Другой"],
      ],
      ["create"],
    ],
  ] as const)("%s: the second create of a request applies to the first's deal", async (mode, records, history) => {
    await control("PUT", "config", { duplicateCreate: mode });
    await calltouch("create", { crm: "crm", orders: [createOrder("o-1"), createOrder("o-1", { status: "Другой" })] });
    const held = await heldOrders();
    expect(held.map((record) => [record.calltouchOrderId, record.deal.status])).toEqual(records);
    expect(held[0]?.history.map((change) => change.applied)).toEqual(history);
  });
});

describe("delete", () => {
  it("removes deals, answers per orderNumber and refuses unknown ones", async () => {
    await calltouch("create", createBody("o-1", "o-2"));
    const answer = await calltouch("delete", { orderNumbers: ["o-1", "nope"] });
    expect(answer.body.data.orders).toEqual([
      { calltouchOrderId: 1, orderNumber: "o-1" },
      { orderNumber: "nope", error: 'Order with orderNumber "nope" not found' },
    ]);
    expect((await heldOrders()).map((held) => held.orderNumber)).toEqual(["o-2"]);
    const again = await calltouch("update", { orders: [{ orderNumber: "o-1" }] });
    expect(again.body.data.orders).toEqual([{ orderNumber: "o-1", error: 'Order with orderNumber "o-1" not found' }]);
  });
});

describe("rejectOrders", () => {
  it("refuses the matching orders with the configured text while the rest succeed", async () => {
    await control("PUT", "config", { rejectOrders: [{ orderNumberPattern: "^bad-", error: "Некорректный статус" }] });
    const answer = await calltouch("create", createBody("good-1", "bad-1", "good-2"));
    expect(answer.body.data.orders).toEqual([
      { calltouchOrderId: 1, orderNumber: "good-1" },
      { orderNumber: "bad-1", error: "Некорректный статус" },
      { calltouchOrderId: 2, orderNumber: "good-2" },
    ]);
    expect((await heldOrders()).map((held) => held.orderNumber)).toEqual(["good-1", "good-2"]);
  });

  it("limits a rule to the methods in `on`", async () => {
    await control("PUT", "config", { rejectOrders: [{ orderNumberPattern: "^o-", error: "Сделка закрыта", on: ["update"] }] });
    expect((await calltouch("create", createBody("o-1"))).body.data.orders).toEqual([{ calltouchOrderId: 1, orderNumber: "o-1" }]);
    expect((await calltouch("update", { orders: [{ orderNumber: "o-1", status: "x" }] })).body.data.orders).toEqual([
      { orderNumber: "o-1", error: "Сделка закрыта" },
    ]);
    expect((await calltouch("delete", { orderNumbers: ["o-1"] })).body.data.orders).toEqual([{ calltouchOrderId: 1, orderNumber: "o-1" }]);
  });
});

describe("other paths", () => {
  it("answers 404 JSON and logs it", async () => {
    const wrongPath = await exports.default.fetch("http://calltouch.test/lead-service/v1/api/client-order/upsert", {
      method: "POST",
      body: "{}",
    });
    expect(wrongPath.status).toBe(404);
    expect(await wrongPath.json()).toEqual({
      data: null,
      error: { code: "NOT_FOUND", message: "No Calltouch method at POST /lead-service/v1/api/client-order/upsert" },
    });
    const wrongMethod = await exports.default.fetch("http://calltouch.test/lead-service/v1/api/client-order/create");
    expect(wrongMethod.status).toBe(404);
    expect((await loggedRequests()).map((entry) => [entry.method, entry.outcome])).toEqual([
      ["POST", "not_found"],
      ["GET", "not_found"],
    ]);
  });
});
