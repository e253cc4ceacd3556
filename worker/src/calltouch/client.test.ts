// Every row of the answer classifier (classify.ts), played by the simulator's variants and read by the
// client as it reads Calltouch. The README's table "How the gateway reads Calltouch's answers" is this one.
import { beforeEach, describe, expect, it } from "vitest";
import { SIMULATOR_SITE_ID, SIMULATOR_TOKEN, SIMULATOR_URL } from "../../test/constants";
import { simulator } from "../../test/simulator";
import { ROWS } from "./classify";
import { createCalltouchClient } from "./client";

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

/** Sends one create after `config` is in force; `warmUp` spends the rate window first when the variant is a throttle. */
async function verdictOf(config: Record<string, unknown>, warmUp = false) {
  await simulator.configure(config);
  if (warmUp) await client.send("create", [order("first")]);
  return client.send("create", [order("second")]);
}

beforeEach(() => simulator.reset());

describe("the answer classifier, row by row, against the simulator", () => {
  it("results: pairs results with orders by position when Calltouch does not echo orderNumber", async () => {
    await simulator.configure({ echoOrderNumber: false, rejectOrders: [{ orderNumberPattern: "^b$", error: "refused" }] });

    const verdict = await client.send("create", [order("a"), order("b"), order("c")]);

    expect(verdict).toMatchObject({ kind: "results", row: "results" });
    expect(verdict.results).toEqual([
      { orderNumber: "a", ok: true, calltouchOrderId: 1 },
      { orderNumber: "b", ok: false, error: "refused" },
      { orderNumber: "c", ok: true, calltouchOrderId: 2 },
    ]);
  });

  it("results: a duplicate create is that order's refusal, not a fact", async () => {
    await client.send("create", [order("a")]);

    const verdict = await client.send("create", [order("a")]);

    expect(verdict.results).toEqual([{ orderNumber: "a", ok: false, error: expect.stringMatching(/already exists/) }]);
  });

  it("results: deletes go to client-order/delete, one result per deal", async () => {
    await client.send("create", [order("a")]);

    const verdict = await client.send("delete", [{ orderNumber: "a" }, { orderNumber: "b" }]);

    expect(verdict.results).toEqual([
      { orderNumber: "a", ok: true, calltouchOrderId: 1 },
      { orderNumber: "b", ok: false, error: 'Order with orderNumber "b" not found' },
    ]);
    expect((await simulator.requests()).at(-1)!.body).toEqual({ orderNumbers: ["a", "b"] });
  });

  it.each([401, 403])("auth_status: %i is the credentials, whatever the body, never quoting the token", async (status) => {
    const verdict = await verdictOf({ accessToken: "another-token", auth: { status, body: { message: `bad ${SIMULATOR_TOKEN}` } } });

    expect(verdict).toMatchObject({ kind: "credentials", row: "auth_status", applied: "no", status });
    expect(verdict.message).not.toContain(SIMULATOR_TOKEN);
  });

  it.each([
    ["429 without a body", { status: 429, body: null }, "no"],
    ["503 with a body", { status: 503, body: { error: "busy" } }, "no"],
    ["429 with Retry-After", { status: 429, retryAfter: 3 }, "no"],
    ["500 with Retry-After, which may have been applied", { status: 500, retryAfter: 2 }, "maybe"],
  ])("throttle_status: %s is slow down", async (_, throttle, applied) => {
    const verdict = await verdictOf({ requestsPerSecond: 1, throttle }, true);

    expect(verdict).toMatchObject({ kind: "slow_down", row: "throttle_status", applied });
    if ("retryAfter" in throttle) expect(verdict.retryAfterMs).toBe(throttle.retryAfter * 1000);
  });

  it.each([400, 422])("validation: %i with validationErrorData is a refusal of the content, naming the field", async (status) => {
    await simulator.configure({ validation: { status } });

    const verdict = await client.send("create", [{ ...order("a"), orderDate: "2021-07-19" }]);

    expect(verdict).toMatchObject({ kind: "refused", row: "validation", applied: "no", status });
    expect(verdict.message).toContain("orders[0].orderDate");
  });

  it("validation: a refusal that speaks of a limit («Длина поля превышает 255 символов») is a refusal, never a slow-down", async () => {
    const verdict = await verdictOf({ invalidOrders: [{ orderNumberPattern: "^second$", message: "Длина поля превышает 255 символов" }] });

    expect(verdict).toMatchObject({ kind: "refused", row: "validation" });
    expect(verdict.message).toContain("Длина поля превышает 255 символов");
  });

  it.each([
    [400, "no"],
    [500, "maybe"],
  ])("names_credentials: %i whose error names the token is the credentials, by words", async (status, applied) => {
    const verdict = await verdictOf({ accessToken: "another-token", auth: { status } });

    expect(verdict).toMatchObject({ kind: "credentials", row: "names_credentials", applied, byWords: true, status });
  });

  it.each([
    ["a 200 whose body says the limit is exceeded", { status: 200, body: { data: { message: "limit exceeded" } } }],
    ["a 400 whose error says so", { status: 400, body: null }],
  ])("speaks_of_limit: %s is slow down, by words", async (_, throttle) => {
    const verdict = await verdictOf({ requestsPerSecond: 1, throttle }, true);

    expect(verdict).toMatchObject({ kind: "slow_down", row: "speaks_of_limit", byWords: true, applied: "no" });
  });

  it.each([500, 502, 408])("server_error: %i is an unknown outcome", async (status) => {
    const verdict = await verdictOf({ failNext: 1, failureStatus: status });

    expect(verdict).toMatchObject({ kind: "unknown_outcome", row: "server_error", applied: "maybe", status });
  });

  it("no_answer: a timeout is an unknown outcome", async () => {
    const verdict = await verdictOf({ timeoutRate: 1, timeoutMs: 3000 });

    expect(verdict).toMatchObject({
      kind: "unknown_outcome",
      row: "no_answer",
      applied: "maybe",
      message: "Calltouch did not answer within 1000 ms",
    });
  });

  it("no_answer: a network error is an unknown outcome", async () => {
    const unreachable = createCalltouchClient({ ...options, fetch: () => Promise.reject(new TypeError("connection refused")) });

    expect(await unreachable.send("create", [order("a")])).toMatchObject({
      kind: "unknown_outcome",
      row: "no_answer",
      message: "Calltouch could not be reached",
    });
  });

  it.each([404, 405])("anything_else: %i is a surprise to retry, never a pause", async (status) => {
    const verdict = await verdictOf({ failNext: 1, failureStatus: status, failureBody: { error: "Not Found" } });

    expect(verdict).toMatchObject({ kind: "surprise", row: "anything_else", applied: "no", status });
    expect(verdict.message).toContain("CALLTOUCH_BASE_URL");
  });

  it("anything_else: a 2xx without data.orders is a surprise that may have been applied", async () => {
    const verdict = await verdictOf({ requestsPerSecond: 1, throttle: { status: 200, body: { data: null } } }, true);

    expect(verdict).toMatchObject({ kind: "surprise", row: "anything_else", applied: "maybe", status: 200 });
  });

  it("anything_else: results that cannot be paired with the orders are a surprise that may have been applied", async () => {
    await simulator.configure({ echoOrderNumber: false });
    const short = createCalltouchClient({
      ...options,
      fetch: async (input, init) => {
        const body = (await (await fetch(input, init)).json()) as { data: { orders: unknown[] } };
        return Response.json({ data: { orders: body.data.orders.slice(1) } });
      },
    });

    expect(await short.send("create", [order("a"), order("b")])).toMatchObject({ kind: "surprise", row: "results", applied: "maybe" });
  });

  it("has a test above for every row of the table", () => {
    const tested = [
      "results",
      "auth_status",
      "throttle_status",
      "validation",
      "names_credentials",
      "speaks_of_limit",
      "server_error",
      "anything_else",
    ];
    expect(ROWS.map((row) => row.id)).toEqual(tested);
  });
});

describe("a prepared request", () => {
  it("builds its body when prepared, and reaches Calltouch only when sent", async () => {
    const bodies: string[] = [];
    const recording = createCalltouchClient({
      ...options,
      fetch: (input, init) => {
        bodies.push(String(init?.body));
        return fetch(input, init);
      },
    });
    const orders = [order("a")];

    const request = recording.prepare("create", orders);
    orders[0]!.status = "changed after it was prepared";
    expect(bodies).toEqual([]);
    expect(await simulator.requests()).toHaveLength(0);

    const verdict = await request.send();

    expect(verdict).toMatchObject({ kind: "results", results: [{ orderNumber: "a", ok: true }] });
    expect(bodies.map((body) => JSON.parse(body))).toEqual([{ crm: "test-crm", orders: [order("a")] }]);
  });
});
