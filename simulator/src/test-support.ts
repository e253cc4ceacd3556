import { exports } from "cloudflare:workers";
import type { SimulatorConfig } from "./config";
import type { HeldOrder } from "./orders";
import type { LoggedRequest } from "./request-log";

// Helpers for the simulator's own tests (never bundled: index.ts does not import them).

/** The credentials of wrangler.toml's vars, as Calltouch's headers. */
export const CALLTOUCH_HEADERS = {
  "Access-Token": "simulator-token",
  SiteId: "12345",
  "Content-Type": "application/json",
};

/** A JSON answer: status and parsed body. */
export interface JsonAnswer {
  status: number;
  body: any;
}

async function send(method: string, path: string, init: { body?: string; headers?: HeadersInit } = {}) {
  const started = Date.now();
  const response = await exports.default.fetch(`http://calltouch.test${path}`, { method, ...init });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text), elapsedMs: Date.now() - started };
}

/**
 * POSTs to a Calltouch method with valid headers (replaced or removed by `headers`, `undefined` removes one).
 * A string body is sent as is; anything else as JSON.
 */
export function calltouch(method: "create" | "update" | "delete", body: unknown, headers: Record<string, string | undefined> = {}) {
  const merged = Object.entries({ ...CALLTOUCH_HEADERS, ...headers }).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return send("POST", `/lead-service/v1/api/client-order/${method}`, {
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: merged,
  });
}

/** Calls a control endpoint under `/__simulator/`. */
export function control(method: "GET" | "PUT" | "DELETE", path: string, body?: unknown): Promise<JsonAnswer> {
  return send(method, `/__simulator/${path}`, body === undefined ? {} : { body: JSON.stringify(body) });
}

/**
 * Starts a test from a blank simulator: default config, no requests, no orders. The per-second limit is lifted
 * unless `config` sets it, so that only the limiter's own tests meet it.
 */
export async function freshSimulator(config: Partial<SimulatorConfig> = {}): Promise<void> {
  await control("DELETE", "config");
  await control("DELETE", "requests");
  const answer = await control("PUT", "config", { requestsPerSecond: null, ...config });
  if (answer.status !== 200) throw new Error(`config refused: ${JSON.stringify(answer.body)}`);
}

/** The request log. */
export async function loggedRequests(query = ""): Promise<LoggedRequest[]> {
  return (await control("GET", `requests${query}`)).body.requests;
}

/** The orders the simulator holds. */
export async function heldOrders(query = ""): Promise<HeldOrder[]> {
  return (await control("GET", `orders${query}`)).body.orders;
}

/** A create order shaped like the memo's example, with `fields` on top. */
export function createOrder(orderNumber: string, fields: Record<string, unknown> = {}) {
  return {
    orderNumber,
    matching: [
      {
        type: "callContact",
        callContactParams: {
          phones: ["79157771122"],
          date: "19-07-2021 16:42:32",
          callTypeToMatch: "nearest",
          searchDepth: 259200,
        },
      },
      {
        type: "requestContact",
        requestContactParams: {
          emails: ["name@server.com"],
          phones: ["79157771122"],
          date: "19-07-2021 16:42:32",
          requestTypeToMatch: "nearest",
          searchDepth: 259200,
        },
      },
      {
        type: "customSources",
        customSourceParams: { source: "офлайн-визит", medium: "офлайн-визит", campaign: "офлайн-визит" },
      },
    ],
    status: "Запись",
    statusDate: "19-07-2021 16:42:32",
    orderDate: "19-07-2021 16:42:32",
    revenue: "1000.00",
    addTags: [{ tag: "Тег1" }],
    ...fields,
  };
}

/** A create request body for `orderNumbers`. */
export function createBody(...orderNumbers: string[]) {
  return { crm: "test-crm", orders: orderNumbers.map((orderNumber) => createOrder(orderNumber)) };
}
