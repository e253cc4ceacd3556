import { reset } from "cloudflare:test";
import { memoExampleOrder } from "@calltouch-gateway/contract";
import { beforeEach, describe, expect, it } from "vitest";
import { KEY_RATE_LIMIT, MAX_ORDERS_PER_CALL, READER_KEY, REST_BURST_KEY, TEST_API_KEY, WRITER_KEY } from "../../worker/test/constants";
import { simulator } from "../../worker/test/simulator";
import { callGateway, firstRefusal, responses } from "./gateway";

const BASE = "http://gateway.test";
const memo = encodeURIComponent(memoExampleOrder.orderNumber);

beforeEach(async () => {
  await reset();
  await simulator.reset();
});

/** A REST call with a key (the admin test key unless another is given) and a JSON body. */
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, key: string | null = TEST_API_KEY) {
  const response = await callGateway(`${BASE}${path}`, {
    method,
    headers: {
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

describe("POST /v1/orders", () => {
  it("stores the memo's deal and answers 201 with its receipt, like orders.create", async () => {
    const { status, body } = await call("POST", "/v1/orders", memoExampleOrder);

    expect(status).toBe(201);
    expect(body).toEqual({ receipts: [{ orderNumber: memoExampleOrder.orderNumber, changeId: 1, state: "queued", attempts: 0 }] });
  });

  it("holds the answer until delivery with {orders, wait}", async () => {
    const { status, body } = await call("POST", "/v1/orders", { orders: [memoExampleOrder], wait: 10_000 });

    expect(status).toBe(201);
    expect(body.receipts).toMatchObject([{ state: "delivered", calltouchOrderId: 1, attempts: 1 }]);
  });

  it("refuses invalid orders with 400 and the offending fields' paths, storing nothing", async () => {
    const { status, body } = await call("POST", "/v1/orders", [{ orderNumber: "ok" }, { orderNumber: "bad", phones: ["12"], revenu: 5 }]);

    expect(status).toBe(400);
    expect(body.error.fieldErrors.map((error: { field: string }) => error.field).sort()).toEqual(["[1].phones[0]", "[1].revenu"]);
    expect(body.error.message).toMatch(/^Invalid input: /);
    expect(body.error.requestId).toEqual(expect.any(String));
    expect((await call("GET", "/v1/orders/ok")).status).toBe(404);
  });

  it("refuses more orders than a call may carry with 413, like orders.create", async () => {
    const orders = Array.from({ length: MAX_ORDERS_PER_CALL + 1 }, (_, i) => ({ orderNumber: `many-${i}` }));

    const { status, body } = await call("POST", "/v1/orders", orders);

    expect(status).toBe(413);
    expect(body.error.message).toBe(`At most ${MAX_ORDERS_PER_CALL} orders per call; this one has ${MAX_ORDERS_PER_CALL + 1}`);
  });

  it("refuses a body that is not JSON with 400", async () => {
    const { status, body } = await call("POST", "/v1/orders", "{not json");

    expect(status).toBe(400);
    expect(body.error.fieldErrors).toEqual([{ path: [], field: "", message: expect.stringMatching(/^send the body as JSON: .+/) }]);
  });

  it("answers 401 without a valid key and 403 to a key without orders:write", async () => {
    const missing = await call("POST", "/v1/orders", memoExampleOrder, {}, null);
    const unknown = await call("POST", "/v1/orders", memoExampleOrder, {}, "no-such-key");
    const reader = await call("POST", "/v1/orders", memoExampleOrder, {}, READER_KEY);

    expect([missing.status, unknown.status, reader.status]).toEqual([401, 401, 403]);
    expect(missing.body.error.message).toMatch(/Authorization: Bearer/);
    expect(reader.body.error.message).toBe("This API key lacks the orders:write scope");
  });

  it("answers a retried call with the same Idempotency-Key from the first one, and 409 for another body", async () => {
    const headers = { "idempotency-key": "crm-call-1" };
    const first = await call("POST", "/v1/orders", { orderNumber: "idem" }, headers, WRITER_KEY);
    const again = await call("POST", "/v1/orders", { orderNumber: "idem" }, headers, WRITER_KEY);
    const other = await call("POST", "/v1/orders", { orderNumber: "idem", status: "Другой" }, headers, WRITER_KEY);

    expect(first.status).toBe(201);
    // The same change, in whatever state its delivery has reached by now.
    expect(again.status).toBe(201);
    expect(again.body.receipts).toMatchObject([{ orderNumber: "idem", changeId: first.body.receipts[0].changeId }]);
    expect(other.status).toBe(409);
    const status = await call("GET", "/v1/orders/idem");
    expect(status.body.changes).toHaveLength(1);
  });

  it("spends the key's one rate limit with tRPC: 429 with Retry-After on both once it is spent", async () => {
    // Refused inputs count too, and store nothing.
    const { before, refusal: limited } = await firstRefusal(KEY_RATE_LIMIT, async () => {
      const response = await call("POST", "/v1/orders", {}, {}, REST_BURST_KEY);
      if (response.status !== 429) expect(response.status).toBe(400);
      return response;
    });
    expect(before).toBeGreaterThanOrEqual(KEY_RATE_LIMIT);
    const trpc = await callGateway(`${BASE}/trpc/orders.create`, {
      method: "POST",
      headers: { authorization: `Bearer ${REST_BURST_KEY}`, "content-type": "application/json" },
      body: "{}",
    });

    expect(limited.headers.get("retry-after")).toBe("60");
    expect(limited.body.error.message).toMatch(/Too many requests/);
    expect(trpc.status).toBe(429);
  }, 90_000);
});

describe("PATCH /v1/orders/{orderNumber}", () => {
  it("updates the deal the path names and answers its receipt", async () => {
    await call("POST", "/v1/orders", { orders: [memoExampleOrder], wait: 10_000 });

    const { status, body } = await call("PATCH", `/v1/orders/${memo}?wait=10000`, { status: "Оплачено", revenue: "1500.00" });

    expect(status).toBe(200);
    expect(body.receipts).toMatchObject([{ orderNumber: memoExampleOrder.orderNumber, changeId: 2, state: "delivered" }]);
    const [, update] = await simulator.requests();
    expect(update!.path).toBe("/lead-service/v1/api/client-order/update");
    expect(update!.body.orders[0]).toMatchObject({ orderNumber: memoExampleOrder.orderNumber, status: "Оплачено", revenue: "1500.00" });
  });

  it("accepts the path's orderNumber in the body and refuses another one with 400", async () => {
    const same = await call("PATCH", "/v1/orders/42", { orderNumber: 42, status: "Оплачено" });
    const other = await call("PATCH", "/v1/orders/42", { orderNumber: "43", status: "Оплачено" });

    expect(same.status).toBe(200);
    expect(other.status).toBe(400);
    expect(other.body.error.fieldErrors).toMatchObject([{ field: "orderNumber" }]);
  });

  it("refuses an update that changes nothing, a list, and a bad wait with 400", async () => {
    const nothing = await call("PATCH", "/v1/orders/42", {});
    const list = await call("PATCH", "/v1/orders/42", [{ status: "Оплачено" }]);
    const wait = await call("PATCH", "/v1/orders/42?wait=soon", { status: "Оплачено" });

    expect(nothing.status).toBe(400);
    expect(nothing.body.error.message).toMatch(/must change something/);
    expect(list.status).toBe(400);
    expect(wait.status).toBe(400);
    expect(wait.body.error.fieldErrors).toMatchObject([{ path: ["wait"], field: "wait" }]);
  });

  it("needs orders:write", async () => {
    expect((await call("PATCH", "/v1/orders/42", { status: "Оплачено" }, {}, READER_KEY)).status).toBe(403);
    expect((await call("PATCH", "/v1/orders/42", { status: "Оплачено" }, {}, null)).status).toBe(401);
  });
});

describe("GET /v1/orders/{orderNumber}", () => {
  it("answers the deal's status and history, like orders.status", async () => {
    await call("POST", "/v1/orders", { orders: [memoExampleOrder], wait: 10_000 });

    const { status, body } = await call("GET", `/v1/orders/${memo}`, undefined, {}, READER_KEY);

    expect(status).toBe(200);
    expect(body).toMatchObject({
      orderNumber: memoExampleOrder.orderNumber,
      state: "delivered",
      calltouchOrderId: 1,
      changes: [{ kind: "create", sentAs: "create", state: "delivered" }],
    });
  });

  it("answers 404 for a deal the gateway never accepted, and 403 to a key without orders:read", async () => {
    const unknown = await call("GET", "/v1/orders/never-seen");

    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/never-seen/);
    expect((await call("GET", "/v1/orders/never-seen", undefined, {}, WRITER_KEY)).status).toBe(403);
  });
});

describe("DELETE /v1/orders/{orderNumber}", () => {
  it("deletes the deal in Calltouch after its earlier changes, and a later create creates it again", async () => {
    await call("POST", "/v1/orders", memoExampleOrder);
    const deleted = await call("DELETE", `/v1/orders/${memo}?wait=10000`);

    expect(deleted.status).toBe(200);
    expect(deleted.body.receipts).toMatchObject([{ orderNumber: memoExampleOrder.orderNumber, state: "delivered" }]);
    expect(await simulator.orders()).toEqual([]);
    const again = await call("POST", "/v1/orders", { orders: [memoExampleOrder], wait: 10_000 });
    expect(again.body.receipts).toMatchObject([{ state: "delivered", calltouchOrderId: 2 }]);
    expect((await simulator.requests()).map((request) => request.path.split("/").at(-1))).toEqual(["create", "delete", "create"]);
    const { body } = await call("GET", `/v1/orders/${memo}`);
    expect(body.changes.map((change: { kind: string; sentAs: string }) => [change.kind, change.sentAs])).toEqual([
      ["create", "create"],
      ["delete", "delete"],
      ["create", "create"],
    ]);
  });

  it("needs orders:write and refuses a bad wait with 400", async () => {
    expect((await call("DELETE", "/v1/orders/42", undefined, {}, READER_KEY)).status).toBe(403);
    const bad = await call("DELETE", "/v1/orders/42?wait=soon");
    expect(bad.status).toBe(400);
    expect(bad.body.error.fieldErrors).toMatchObject([{ field: "wait" }]);
  });
});

describe("POST /v1/orders:validate", () => {
  it("answers the Calltouch JSON an order would be sent as, storing nothing", async () => {
    const { status, body } = await call("POST", "/v1/orders:validate", { create: memoExampleOrder });

    expect(status).toBe(200);
    expect(body.orders).toMatchObject([{ orderNumber: memoExampleOrder.orderNumber, sentAs: "create", calltouch: { revenue: "1000.00" } }]);
    expect((await call("GET", `/v1/orders/${memo}`)).status).toBe(404);
  });

  it("answers the same 400 as the call would, with paths under create", async () => {
    const { status, body } = await call("POST", "/v1/orders:validate", { create: { orderNumber: "1", phones: ["12"] } });

    expect(status).toBe(400);
    expect(body.error.fieldErrors).toMatchObject([{ field: "create.phones[0]" }]);
  });
});

describe("the OpenAPI document", () => {
  it("is served at /openapi.json without a key, with a reference page at /docs", async () => {
    const document = await callGateway(`${BASE}/openapi.json`);
    const page = await callGateway(`${BASE}/docs`);

    expect(document.status).toBe(200);
    expect(((await document.json()) as { openapi: string }).openapi).toMatch(/^3\.1\./);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain("calltouch-gateway REST API reference");
    expect(html).toContain('href="/openapi.json"');
  });

  it("states this deployment's limits, and the gateway answers at them what it says", async () => {
    const document = (await (await callGateway(`${BASE}/openapi.json`)).json()) as any;
    const create = document.paths["/v1/orders"].post;
    const envelope = document.components.schemas.OrdersCreate.anyOf[2];
    expect(envelope.properties.orders.maxItems).toBe(MAX_ORDERS_PER_CALL);
    const maxWait = envelope.properties.wait.anyOf[0].maximum;
    expect(maxWait).toBe(30_000);

    const orders = (n: number) => Array.from({ length: n }, (_, i) => ({ orderNumber: `bound-${i}` }));
    const atLimit = await call("POST", "/v1/orders:validate", { create: orders(MAX_ORDERS_PER_CALL) });
    expect(atLimit.status).toBe(200);
    const past = await call("POST", "/v1/orders", orders(MAX_ORDERS_PER_CALL + 1));
    expect(past.status).toBe(413);
    expect(create.responses["413"].description).toContain(`${MAX_ORDERS_PER_CALL} here`);
    expect(past.body.error.message).toBe(`At most ${MAX_ORDERS_PER_CALL} orders per call; this one has ${MAX_ORDERS_PER_CALL + 1}`);
    const tooLong = await call("POST", "/v1/orders", { orders: orders(1), wait: maxWait + 1 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.fieldErrors).toEqual([
      { path: ["wait"], field: "wait", message: `at most ${maxWait} ms here (WAIT_MAX_MS)` },
    ]);
    // The `?wait=` of an update and of a delete: the same bound, the same answer past it.
    for (const method of ["PATCH", "DELETE"] as const) {
      const parameter = document.paths["/v1/orders/{orderNumber}"][method.toLowerCase()].parameters.find((p: any) => p.name === "wait");
      const past = await call(method, `/v1/orders/bound-0?wait=${maxWait + 1}`, method === "PATCH" ? { status: "x" } : undefined);
      expect({ method, maximum: parameter.schema.maximum, status: past.status, fieldErrors: past.body.error.fieldErrors }).toEqual({
        method,
        maximum: maxWait,
        status: 400,
        fieldErrors: [{ path: ["wait"], field: "wait", message: `at most ${maxWait} ms here (WAIT_MAX_MS)` }],
      });
    }
    expect((await call("GET", "/v1/orders/bound-0")).status).toBe(404);
  });

  it("documents examples that succeed with the documented status, in document order", async () => {
    const document = (await (await callGateway(`${BASE}/openapi.json`)).json()) as any;
    const sent: string[] = [];

    for (const [template, operations] of Object.entries<any>(document.paths)) {
      for (const [method, operation] of Object.entries<any>(operations)) {
        const path = template.replace(/\{(\w+)\}/g, (_, name) => {
          const parameter = operation.parameters.find((p: { in: string; name: string }) => p.in === "path" && p.name === name);
          return encodeURIComponent(parameter.example);
        });
        const example = operation.requestBody?.content["application/json"].example;
        const success = Object.keys(operation.responses).find((code) => code.startsWith("2"));

        const response = await call(method.toUpperCase(), path, example);

        expect({ operation: operation.operationId, status: response.status }).toEqual({
          operation: operation.operationId,
          status: Number(success),
        });
        sent.push(operation.operationId);
      }
    }
    expect(sent).toEqual([
      "createOrders",
      "validateOrders",
      "updateOrder",
      "orderStatus",
      "deleteOrder",
      "deliveryStats",
      "listDeliveries",
      "deadReasons",
      "replayDeliveries",
      "resumeDelivery",
    ]);
  });
});

it("never leaks the Calltouch token or a key in a REST answer", () => {
  for (const { body } of responses) {
    expect(body).not.toContain("simulator-token");
    expect(body).not.toContain(TEST_API_KEY);
  }
});
