// A CRM's burst at the gateway's default settings (wrangler.toml's KEY_RATE_LIMITER, the example vars): 30
// callers with one key send 1,200 single-deal calls (a create and two updates of each of 400 deals, each
// deal's in order), as a CRM's webhooks do after a bulk edit. Many webhooks never retry, so every call must
// get a 2xx; then every deal reaches Calltouch (the simulator) once, its changes in order.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServers, startDevServers } from "./dev-servers";

const CALLERS = 30;
const DEALS = 400;
const STATUSES = ["created", "first", "second"];
/** The example vars' key (every scope): one integration, all its webhooks. */
const KEY = "dev-key";
/** Starting the dev servers is the hook's; on a busy machine the calls take up to a minute, delivery as long. */
const TIMEOUT_MS = 240_000;

let servers: DevServers;

beforeAll(async () => {
  servers = await startDevServers();
});

afterAll(async () => {
  await servers?.stop();
});

interface LoggedRequest {
  path: string;
  outcome: string;
  body: { orders: { orderNumber: string; status?: string }[] };
  response: { data?: { orders?: { error?: string }[] } | null };
}

async function call(procedure: string, input: unknown): Promise<number> {
  const response = await fetch(`${servers.gatewayUrl}/trpc/${procedure}`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify(input),
  });
  await response.arrayBuffer();
  return response.status;
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

describe("a CRM's burst at the default settings", () => {
  it(
    "answers all 1,200 calls of 30 callers with a 2xx, and delivers every deal once, in order",
    async () => {
      const started = Date.now();
      const statuses: number[] = [];
      await Promise.all(
        Array.from({ length: CALLERS }, async (_, caller) => {
          for (let deal = caller; deal < DEALS; deal += CALLERS) {
            const orderNumber = `burst-${deal}`;
            for (const [index, status] of STATUSES.entries()) {
              statuses.push(await call(index === 0 ? "orders.create" : "orders.update", { orderNumber, status }));
            }
          }
        }),
      );
      const sentInMs = Date.now() - started;

      expect(statuses).toHaveLength(DEALS * STATUSES.length);
      expect(statuses.filter((status) => status < 200 || status >= 300)).toEqual([]);
      for (const deadline = Date.now() + 120_000; ; ) {
        const { result } = await json<{ result: { data: { queued: number; inFlight: number } } }>(
          `${servers.gatewayUrl}/trpc/deliveries.stats`,
          {
            headers: { authorization: `Bearer ${KEY}` },
          },
        );
        if (result.data.queued === 0 && result.data.inFlight === 0) break;
        if (Date.now() > deadline) throw new Error(`the outbox did not settle: ${JSON.stringify(result.data)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }

      const { requests } = await json<{ requests: LoggedRequest[] }>(`${servers.simulatorUrl}/__simulator/requests`);
      const applied = new Map<string, string[]>();
      for (const request of requests) {
        if (request.outcome !== "ok") continue;
        request.body.orders.forEach((order, index) => {
          if (request.response.data?.orders?.[index]?.error) return;
          applied.set(order.orderNumber, [...(applied.get(order.orderNumber) ?? []), order.status!]);
        });
      }
      const wrong = [...Array(DEALS).keys()].filter((deal) => JSON.stringify(applied.get(`burst-${deal}`)) !== JSON.stringify(STATUSES));
      expect(wrong.map((deal) => `burst-${deal}: ${applied.get(`burst-${deal}`)}`)).toEqual([]);
      const { orders } = await json<{ orders: unknown[] }>(`${servers.simulatorUrl}/__simulator/orders`);
      expect(orders).toHaveLength(DEALS);
      console.log(
        `burst: ${statuses.length} calls from ${CALLERS} callers accepted in ${(sentInMs / 1000).toFixed(1)} s, ${requests.length} upstream requests`,
      );
    },
    TIMEOUT_MS,
  );
});
