// The Calltouch drop-in: the gateway answering at Calltouch's own paths, in Calltouch's format.
import { reset } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { SIMULATOR_SITE_ID, TEST_API_KEY } from "../../worker/test/constants";
import { simulator } from "../../worker/test/simulator";
import { callGateway } from "./gateway";

beforeEach(async () => {
  await reset();
  await simulator.reset();
});

/** The body of the customer memo's curl example, verbatim. */
const memoBody = `{
"crm": "название CRM",
"orders": [
{
"matching": [
{
"type": "callContact",
"callContactParams": {
"phones": ["79157771122", "+79009991122"],
"date": "19-07-2021 16:42:32",
"callTypeToMatch": "nearest",
"searchDepth": 259200
}
},
{
"type": "requestContact",
"requestContactParams": {
"emails": ["name@server.com", "234234@test.com"],
"phones": ["79157771122", "+79009991122"],
"date": "19-07-2021 16:42:32",
"requestTypeToMatch": "nearest",
"searchDepth": 259200
}
},
{
"type": "customSources",
"customSourceParams": {
"source": "офлайн-визит",
"medium": "офлайн-визит",
"campaign": "офлайн-визит"
}
}
],
"orderNumber": "УникальныйIDсделки2",
"status": "Запись",
"statusDate": "19-07-2021 16:42:32",
"orderDate": "19-07-2021 16:42:32",
"revenue": "1000.00",
"addTags": [
{"tag": "Тег1"},
{"tag": "Тег2"},
{"tag": "Тег3"}
]
}
]
}`;

/** The memo's curl, with the gateway's URL and a gateway key in place of the Calltouch token. */
const post = (path: "create" | "update" | "delete", body: string, headers: Record<string, string> = {}) =>
  callGateway(`http://gateway.test/lead-service/v1/api/client-order/${path}`, {
    method: "POST",
    headers: { "Access-Token": TEST_API_KEY, SiteId: SIMULATOR_SITE_ID, "Content-Type": "application/json", ...headers },
    body,
  });

describe("the Calltouch drop-in", () => {
  it("takes the memo's request verbatim and answers like Calltouch, with Calltouch's id", async () => {
    const response = await post("create", memoBody);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { orders: [{ orderNumber: "УникальныйIDсделки2", calltouchOrderId: 1 }] } });
    const [request] = await simulator.requests();
    const [order] = request!.body.orders;
    const memo = JSON.parse(memoBody).orders[0];
    // What reaches Calltouch is the memo's order, phones in canonical form.
    expect(order).toEqual({
      ...memo,
      matching: [
        { ...memo.matching[0], callContactParams: { ...memo.matching[0].callContactParams, phones: ["79157771122", "79009991122"] } },
        { ...memo.matching[1], requestContactParams: { ...memo.matching[1].requestContactParams, phones: ["79157771122", "79009991122"] } },
        memo.matching[2],
      ],
    });
  });

  it("sends a batch of 100 as one upstream request and answers an id for each", async () => {
    const orders = Array.from({ length: 100 }, (_, i) => ({
      orderNumber: `dropin-${i}`,
      status: "Новая",
      orderDate: "19-07-2021 16:42:32",
      statusDate: "19-07-2021 16:42:32",
      matching: [{ type: "withoutSource" }],
    }));

    const response = await post("create", JSON.stringify({ crm: "amo", orders }));

    const answer = (await response.json()) as { data: { orders: { orderNumber: string; calltouchOrderId: number }[] } };
    expect(answer.data.orders.map((item) => item.orderNumber)).toEqual(orders.map((order) => order.orderNumber));
    expect(answer.data.orders.every((item) => Number.isInteger(item.calltouchOrderId))).toBe(true);
    const requests = await simulator.requests();
    expect(requests.map((request) => request.body.orders.length)).toEqual([100]);
  });

  it("takes updates in update's shape", async () => {
    await post("create", memoBody);
    const response = await post(
      "update",
      JSON.stringify({
        orders: [
          {
            orderNumber: "УникальныйIDсделки2",
            status: "Оплачено",
            addNewComment: { text: "оплата" },
            addTags: { overwrite: false, tags: [{ tag: "оплата" }] },
          },
        ],
      }),
    );

    expect(await response.json()).toEqual({ data: { orders: [{ orderNumber: "УникальныйIDсделки2", calltouchOrderId: 1 }] } });
    const update = (await simulator.requests()).at(-1)!;
    expect(update.body.orders[0]).toMatchObject({
      addNewComment: { text: "оплата" },
      addTags: { overwrite: false, tags: [{ tag: "оплата" }] },
    });
  });

  it("takes deletes in delete's shape, in order after the deal's create, and answers Calltouch's id", async () => {
    await post("create", memoBody);

    const response = await post("delete", JSON.stringify({ orderNumbers: ["УникальныйIDсделки2"] }));

    expect(await response.json()).toEqual({ data: { orders: [{ orderNumber: "УникальныйIDсделки2", calltouchOrderId: 1 }] } });
    expect((await simulator.requests()).map((request) => request.path.split("/").at(-1))).toEqual(["create", "delete"]);
    expect(await simulator.orders()).toEqual([]);
    const bad = await post("delete", JSON.stringify({ orderNumbers: [] }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ data: { validationErrorData: [{ field: "orderNumbers" }] } });
  });

  it("answers a bad body with Calltouch's validationErrorData, naming Calltouch's fields, and stores nothing", async () => {
    const bad = JSON.parse(memoBody);
    bad.orders[0].orderDate = "2021-07-19";
    bad.orders[0].revenu = "1";
    delete bad.crm;

    const response = await post("create", JSON.stringify(bad));

    expect(response.status).toBe(400);
    const { data } = (await response.json()) as { data: { validationErrorData: { field: string }[] } };
    expect(data.validationErrorData.map((error) => error.field).sort()).toEqual(["crm", "orders[0].orderDate", "orders[0].revenu"]);
    expect(await simulator.requests()).toEqual([]);
  });

  it("refuses the Calltouch token (or any unknown key) with 401, and another site's id with 403", async () => {
    const unknown = await post("create", memoBody, { "Access-Token": "the-real-calltouch-token" });
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ data: null, error: { code: "UNAUTHORIZED" } });

    expect((await post("create", memoBody, { SiteId: "99999" })).status).toBe(403);
    expect(await simulator.requests()).toEqual([]);
  });
});
