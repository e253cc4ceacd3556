import { beforeEach, describe, expect, it } from "vitest";
import { SIMULATOR_SITE_ID, SIMULATOR_TOKEN, SIMULATOR_URL } from "../../test/constants";
import { simulator } from "../../test/simulator";
import { createCalltouchClient } from "./client";
import { CalltouchError } from "./errors";

const options = {
  baseUrl: SIMULATOR_URL,
  siteId: SIMULATOR_SITE_ID,
  token: SIMULATOR_TOKEN,
  crm: "test-crm",
  timeoutMs: 1000,
};
const client = createCalltouchClient(options);

const order = (orderNumber: string) => ({
  orderNumber,
  status: "Новая",
  orderDate: "19-07-2021 16:42:32",
  statusDate: "19-07-2021 16:42:32",
  matching: [{ type: "withoutSource" as const }],
});

async function failure(promise: Promise<unknown>): Promise<CalltouchError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CalltouchError);
  return error as CalltouchError;
}

beforeEach(() => simulator.reset());

describe("the Calltouch client", () => {
  it("pairs results with orders by position when Calltouch does not echo orderNumber", async () => {
    await simulator.configure({
      echoOrderNumber: false,
      rejectOrders: [{ orderNumberPattern: "^b$", error: "refused" }],
    });

    const results = await client.send("create", [order("a"), order("b"), order("c")]);

    expect(results).toEqual([
      { orderNumber: "a", ok: true, calltouchOrderId: 1 },
      { orderNumber: "b", ok: false, error: "refused" },
      { orderNumber: "c", ok: true, calltouchOrderId: 2 },
    ]);
  });

  it("reports a duplicate create as that order's error", async () => {
    await client.send("create", [order("a")]);

    const [result] = await client.send("create", [order("a")]);

    expect(result).toEqual({ orderNumber: "a", ok: false, error: expect.stringMatching(/already exists/) });
  });

  it.each([
    ["429", { status: 429 }],
    ["503", { status: 503 }],
    ["a 200 whose body says the limit is exceeded", { status: 200, body: { data: { message: "limit exceeded" } } }],
  ])("treats a throttle answered with %s as retryable", async (_, throttle) => {
    await simulator.configure({ requestsPerSecond: 1, throttle });
    await client.send("create", [order("first")]);

    const error = await failure(client.send("create", [order("second")]));

    expect(error.kind).toBe("retryable");
    expect(error.details.throttled).toBe(true);
  });

  it.each([401, 403])("treats an auth failure answered with %i as configuration, without the token", async (status) => {
    await simulator.configure({ accessToken: "another-token", auth: { status } });

    const error = await failure(client.send("create", [order("a")]));

    expect(error.kind).toBe("configuration");
    expect(error.message).not.toContain(SIMULATOR_TOKEN);
  });

  it("treats a validation refusal as invalid and keeps Calltouch's explanation", async () => {
    const error = await failure(client.send("create", [{ ...order("a"), orderDate: "2021-07-19" }]));

    expect(error.kind).toBe("invalid");
    expect(error.message).toContain("orders[0].orderDate");
  });

  it("treats 5xx and timeouts as retryable", async () => {
    await simulator.configure({ failNext: 1, failureStatus: 500 });
    expect((await failure(client.send("create", [order("a")]))).kind).toBe("retryable");

    await simulator.configure({ timeoutRate: 1, timeoutMs: 3000 });
    const timeout = await failure(client.send("create", [order("b")]));
    expect(timeout.kind).toBe("retryable");
    expect(timeout.message).toBe("Calltouch did not answer within 1000 ms");
  });

  it("answers a protocol failure when the results cannot be paired with the orders", async () => {
    await simulator.configure({ echoOrderNumber: false });
    const send = createCalltouchClient({
      ...options,
      // Calltouch answering fewer items than orders sent.
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        const body = (await response.json()) as { data: { orders: unknown[] } };
        return Response.json({ data: { orders: body.data.orders.slice(1) } });
      },
    });

    const error = await failure(send.send("create", [order("a"), order("b")]));

    expect(error.kind).toBe("protocol");
  });
});
