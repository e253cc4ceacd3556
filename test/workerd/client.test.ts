import { createGatewayClient, fieldErrorsOf, httpStatusOf, type RetryPolicy } from "@calltouch-gateway/client";
import { describe, expect, it } from "vitest";
import { TEST_API_KEY } from "../../worker/test/constants";
import { callGateway } from "./gateway";

/** Fast repeats: what is tested is which calls are repeated and how, not the backoff's length. */
const QUICK: RetryPolicy = { attempts: 3, baseMs: 1, maxMs: 5 };

/** Every request the client made, with the gateway's answer or the failure the test put in its place. */
interface Attempt {
  path: string;
  idempotencyKey: string | null;
}

/**
 * A fetch that passes requests to the gateway Worker, except where `fault(n)` answers for attempt n
 * (1-based): "lost" sends the request but loses the answer, a Response replaces the gateway's answer,
 * "hang" never answers until the client aborts.
 */
function faultyFetch(fault: (attempt: number) => "lost" | "hang" | Response | undefined) {
  const attempts: Attempt[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    attempts.push({ path: new URL(request.url).pathname, idempotencyKey: request.headers.get("idempotency-key") });
    const planned = fault(attempts.length);
    if (planned instanceof Response) return planned;
    if (planned === "hang") {
      return new Promise((_, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    }
    const response = await callGateway(request);
    if (planned === "lost") throw new TypeError("fetch failed: the connection was reset");
    return response;
  };
  return { attempts, fetch };
}

function client(fetch: ReturnType<typeof faultyFetch>["fetch"], options: { retry?: RetryPolicy; timeoutMs?: number } = {}) {
  return createGatewayClient({ url: "http://gateway.test", apiKey: TEST_API_KEY, fetch, retry: options.retry ?? QUICK, ...options });
}

// The file's first call starts the gateway Worker and its outbox, which takes seconds on a busy machine.
describe("the typed client repeats only what is safe to repeat", { timeout: 30_000 }, () => {
  it("sends a create whose answer was lost again under the same idempotency key, and the gateway stores it once", async () => {
    const { attempts, fetch } = faultyFetch((n) => (n === 1 ? "lost" : undefined));
    const gateway = client(fetch);

    const { receipts } = await gateway.orders.create.mutate({ orderNumber: "client-lost-1", phones: ["+79157771122"] });

    expect(attempts).toHaveLength(2);
    expect(attempts[0]!.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(attempts[1]!.idempotencyKey).toBe(attempts[0]!.idempotencyKey);
    // The repeat answers the stored change as it is by now: queued, or already delivered.
    const { orders } = await gateway.orders.status.query({ orderNumbers: ["client-lost-1"] });
    expect(orders[0]!.changes).toHaveLength(1);
    expect(receipts).toEqual([expect.objectContaining({ orderNumber: "client-lost-1", changeId: orders[0]!.changes[0]!.changeId })]);
  });

  it("sends a delete whose answer was lost again under the same key, and the gateway stores it once", async () => {
    const { attempts, fetch } = faultyFetch((n) => (n === 1 ? "lost" : undefined));
    const gateway = client(fetch);

    await gateway.orders.delete.mutate({ orderNumbers: ["client-lost-2"] });

    expect(attempts.map((attempt) => attempt.path)).toEqual(["/trpc/orders.delete", "/trpc/orders.delete"]);
    expect(attempts[1]!.idempotencyKey).toBe(attempts[0]!.idempotencyKey);
    const { orders } = await gateway.orders.status.query({ orderNumbers: ["client-lost-2"] });
    expect(orders[0]!.changes.map((change) => change.kind)).toEqual(["delete"]);
  });

  it("gives each call a key of its own, and sends the caller's key when the call names one", async () => {
    const { attempts, fetch } = faultyFetch(() => undefined);
    const gateway = client(fetch);

    await gateway.orders.create.mutate({ orderNumber: "client-key-1" });
    await gateway.orders.create.mutate({ orderNumber: "client-key-2" });
    await gateway.orders.update.mutate(
      { orderNumber: "client-key-1", status: "Оплачено" },
      { context: { idempotencyKey: "crm-event-981" } },
    );

    expect(new Set(attempts.slice(0, 2).map((a) => a.idempotencyKey)).size).toBe(2);
    expect(attempts[2]!.idempotencyKey).toBe("crm-event-981");
  });

  it("refuses a key that is no string, as JavaScript without the types may give it, before sending anything", async () => {
    const { attempts, fetch } = faultyFetch(() => undefined);
    const gateway = client(fetch);
    const untyped = gateway.orders.update.mutate as (input: unknown, opts: unknown) => Promise<unknown>;

    for (const idempotencyKey of [981, "", "  ", null]) {
      const error = await untyped({ orderNumber: "client-key-3", status: "Оплачено" }, { context: { idempotencyKey } }).catch(
        (e: unknown) => e,
      );
      expect((error as Error).message).toBe("context.idempotencyKey must be a non-empty string");
    }
    expect(attempts).toEqual([]);
  });

  it("sends a mutation that is not idempotent once, even when its answer was lost", async () => {
    const { attempts, fetch } = faultyFetch(() => "lost");
    const gateway = client(fetch);

    const error = await gateway.deliveries.replay.mutate({ orderNumbers: ["client-replay-1"] }).catch((e: unknown) => e);

    expect(attempts).toEqual([{ path: "/trpc/deliveries.replay", idempotencyKey: null }]);
    expect(httpStatusOf(error)).toBeUndefined();
  });

  it("repeats a query the gateway answered 503", async () => {
    const { attempts, fetch } = faultyFetch((n) => (n === 1 ? Response.json({ error: "unavailable" }, { status: 503 }) : undefined));

    const stats = await client(fetch).deliveries.stats.query();

    expect(attempts).toHaveLength(2);
    expect(stats).toEqual(expect.objectContaining({ queued: expect.any(Number) }));
  });

  it("waits at least the gateway's Retry-After before repeating a throttled call", async () => {
    const throttled = () => Response.json({ error: "slow down" }, { status: 429, headers: { "retry-after": "1" } });
    const { attempts, fetch } = faultyFetch((n) => (n === 1 ? throttled() : undefined));
    const started = Date.now();

    await client(fetch).orders.create.mutate({ orderNumber: "client-429-1" });

    expect(attempts).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it("answers invalid input once, with its field errors as data", async () => {
    const { attempts, fetch } = faultyFetch(() => undefined);

    const error = await client(fetch)
      .orders.create.mutate({ orderNumber: "client-400-1", phones: ["not a phone"] })
      .catch((e: unknown) => e);

    expect(attempts).toHaveLength(1);
    expect(httpStatusOf(error)).toBe(400);
    expect(fieldErrorsOf(error)).toEqual([expect.objectContaining({ field: "phones[0]" })]);
  });

  it("abandons an attempt that outlasts its timeout and repeats it, then gives up with no status", async () => {
    const { attempts, fetch } = faultyFetch(() => "hang");

    const error = await client(fetch, { timeoutMs: 20, retry: { attempts: 2, baseMs: 1, maxMs: 1 } })
      .orders.create.mutate({ orderNumber: "client-timeout-1" })
      .catch((e: unknown) => e);

    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.idempotencyKey).toBe(attempts[0]!.idempotencyKey);
    expect(httpStatusOf(error)).toBeUndefined();
    expect(String((error as Error).message)).toMatch(/abort|timeout|timed out/i);
  });
});
