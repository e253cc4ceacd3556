// Driving the dev servers (test/e2e/dev-servers.ts) over plain HTTP, as any caller would: the gateway's tRPC
// procedures (JSON bodies, no transformer), the simulator's control endpoints, and the deals the benchmarks send.
import type { CalltouchCreateOrder, DeliveryStats, OrderCreateInput, Receipt } from "@calltouch-gateway/contract";
// The contract's limits module imports nothing, so Node loads it as it is (its index would not load: its
// imports have no file extensions).
import { MAX_ORDERS_PER_CALL } from "../../contract/src/limits.ts";
import { note } from "./progress.ts";

export type { DeliveryStats };

/** The example vars' secret key ("dev-admin"): every scope, site 12345. */
export const DEV_KEY = "dev-key";

/** An entry of the simulator's request log (`GET /__simulator/requests`), as far as the benchmarks read it. */
export interface LoggedRequest {
  /** Epoch ms when the simulator received it. */
  at: number;
  /** `ok`, `throttled`, `auth`, … (see simulator/README.md). */
  outcome: string;
  /** Calltouch's answer: `{ data: { orders: [...] } }` when `ok`. */
  response: unknown;
  /** The site whose credentials passed auth. */
  siteId?: string;
}

/** What a delivery achieved, read from the simulator's request log. */
export interface Tally {
  sent: number;
  delivered: number;
  /** Deals Calltouch accepted more than once. */
  duplicates: number;
  requests: number;
  throttled: number;
  /** From the first upstream request's arrival to the last accepted one's, plus one slot. */
  deliveryMs: number;
}

/** The simulator's `GET /__simulator/stats`, as far as the benchmarks read it. */
export interface SimulatorStats {
  /** Requests to Calltouch's paths since the log was last forgotten. */
  requests: number;
  /** Deal records it holds. */
  orders: number;
}

async function json<T>(response: Response, what: string): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/**
 * A tRPC mutation of the gateway: `POST /trpc/<name>` with the input as the body, with the dev key (or `key`).
 *
 * @example const { receipts } = await mutate<{ receipts: Receipt[] }>(gatewayUrl, "orders.create", deals("a", 10));
 */
export async function mutate<T>(gatewayUrl: string, name: string, input?: unknown, key = DEV_KEY): Promise<T> {
  const response = await fetch(`${gatewayUrl}/trpc/${name}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    ...(input === undefined ? {} : { body: JSON.stringify(input) }),
  });
  return (await json<{ result: { data: T } }>(response, name)).result.data;
}

/**
 * A tRPC query of the gateway without input: `GET /trpc/<name>`, with the dev key (or `key`: another site's).
 *
 * @example const stats = await query<DeliveryStats>(gatewayUrl, "deliveries.stats");
 */
export async function query<T>(gatewayUrl: string, name: string, key = DEV_KEY): Promise<T> {
  const response = await fetch(`${gatewayUrl}/trpc/${name}`, { headers: { authorization: `Bearer ${key}` } });
  return (await json<{ result: { data: T } }>(response, name)).result.data;
}

/**
 * A control endpoint of the simulator (`/__simulator/<path>`).
 *
 * @example await simulator(simulatorUrl, "PUT", "config", { requestsPerSecond: null });
 */
export async function simulator<T>(simulatorUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${simulatorUrl}/__simulator/${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  return json<T>(response, `simulator ${method} ${path}`);
}

/**
 * `count` distinct deals as a CRM sends them to the gateway (the memo's kind of deal: phones, e-mail, revenue,
 * a tag), numbered `<prefix>-0`, `<prefix>-1`, …
 *
 * @example deals("gw", 2).map((deal) => deal.orderNumber) // ["gw-0", "gw-1"]
 */
export function deals(prefix: string, count: number): OrderCreateInput[] {
  return Array.from({ length: count }, (_, index) => ({
    orderNumber: `${prefix}-${index}`,
    orderDate: "2026-11-20T12:00:00+03:00",
    status: "Оплачено",
    revenue: 1000 + (index % 97),
    phones: [`7915${String(index % 10_000_000).padStart(7, "0")}`],
    emails: [`client${index}@example.com`],
    tags: ["бенчмарк"],
  }));
}

/**
 * Sends `orders` to `orders.create` in calls of up to 1000, one call at a time, and checks that each was
 * accepted with one receipt per order; with the dev key, or `key` (its site's outbox takes them).
 *
 * @example await ingest(gatewayUrl, deals("gw", 10_000)); // 10 calls
 */
export async function ingest(gatewayUrl: string, orders: readonly OrderCreateInput[], key = DEV_KEY): Promise<void> {
  for (let start = 0; start < orders.length; start += MAX_ORDERS_PER_CALL) {
    const call = orders.slice(start, start + MAX_ORDERS_PER_CALL);
    const { receipts } = await mutate<{ receipts: Receipt[] }>(gatewayUrl, "orders.create", call, key);
    if (receipts.length !== call.length) throw new Error(`orders.create answered ${receipts.length} receipts for ${call.length} orders`);
    note(`${start + call.length} of ${orders.length} deals accepted`);
  }
}

/**
 * The Calltouch orders the gateway would send for `orders`, from its dry run (`orders.validate`): the same
 * deals in Calltouch's own shape, for a client that talks to Calltouch directly.
 *
 * @example const [wire] = await compiled(gatewayUrl, deals("naive", 1)); // { orderNumber: "naive-0", matching: [...], ... }
 */
export async function compiled(gatewayUrl: string, orders: readonly OrderCreateInput[]): Promise<CalltouchCreateOrder[]> {
  const result: CalltouchCreateOrder[] = [];
  for (let start = 0; start < orders.length; start += MAX_ORDERS_PER_CALL) {
    const { orders: preview } = await mutate<{ orders: { calltouch: CalltouchCreateOrder }[] }>(gatewayUrl, "orders.validate", {
      create: orders.slice(start, start + MAX_ORDERS_PER_CALL),
    });
    result.push(...preview.map((order) => order.calltouch));
  }
  return result;
}

/**
 * Polls the gateway's `deliveries.stats` every `everyMs` until nothing is queued or in flight; answers the
 * last stats. Fails after `timeoutMs`. The dev key's site, or `key`'s.
 *
 * @example const { delivered, dead } = await settled(gatewayUrl, 600_000);
 */
export async function settled(gatewayUrl: string, timeoutMs: number, everyMs = 250, key = DEV_KEY): Promise<DeliveryStats> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await query<DeliveryStats>(gatewayUrl, "deliveries.stats", key);
    if (stats.queued === 0 && stats.inFlight === 0) return stats;
    note(`${stats.delivered} delivered, ${stats.queued + stats.inFlight} on their way, ${stats.dead} dead`);
    if (Date.now() > deadline) throw new Error(`the outbox did not settle in ${timeoutMs} ms: ${JSON.stringify(stats)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Runs `work` (an ingest) while the gateway delivers nothing, then lets it deliver and answers when: Calltouch
 * refuses the gateway's token meanwhile, so its outbox pauses on the first refusal and keeps every change queued
 * (`deliveries.stats` says `paused`); then the simulator takes the token again, forgets its request log (the
 * refused request included), and an operator's `deliveries.resume` starts delivery.
 *
 * @example const resumedAt = await withDeliveryHeld(servers, () => ingest(servers.gatewayUrl, deals("q", 10_000)));
 */
export async function withDeliveryHeld(servers: { gatewayUrl: string; simulatorUrl: string }, work: () => Promise<void>): Promise<number> {
  const { gatewayUrl, simulatorUrl } = servers;
  const { accessToken } = await simulator<{ accessToken: string }>(simulatorUrl, "GET", "config");
  await simulator(simulatorUrl, "PUT", "config", { accessToken: `${accessToken}-refused-while-the-bench-ingests` });
  await work();
  const deadline = Date.now() + 30_000;
  while ((await query<DeliveryStats>(gatewayUrl, "deliveries.stats")).paused === null) {
    if (Date.now() > deadline) throw new Error("the gateway did not pause on Calltouch's auth refusal");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await simulator(simulatorUrl, "PUT", "config", { accessToken });
  await simulator(simulatorUrl, "DELETE", "requests");
  const resumedAt = Date.now();
  await mutate(gatewayUrl, "deliveries.resume");
  return resumedAt;
}
