import type { CalltouchCreateOrder, CalltouchUpdateOrder, ChangeKind } from "@calltouch-gateway/contract";
import { memo } from "../memo";
import { type Answer, classify, type Verdict } from "./classify";

/** What one change is sent as: a create or an update order, or the number of a deal to delete. */
export type WireOrder<K extends ChangeKind> = K extends "create"
  ? CalltouchCreateOrder
  : K extends "update"
    ? CalltouchUpdateOrder
    : { orderNumber: string };

export interface CalltouchClientOptions {
  baseUrl: string;
  siteId: string;
  token: string;
  /** The `crm` label of create requests. */
  crm: string;
  timeoutMs: number;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

export interface CalltouchClient {
  /**
   * Sends one request of up to 100 orders of one kind and answers the classifier's verdict on the answer
   * (`classify.ts`): `results` holds one result per order, in the orders' order. Never throws.
   */
  send<K extends ChangeKind>(kind: K, orders: WireOrder<K>[]): Promise<Verdict>;
  /**
   * The same request built now and sent later (`send()` of the answer, once): a sender that waits for its
   * moment builds the body while it waits, so that only the fetch is left when the moment comes.
   */
  prepare<K extends ChangeKind>(kind: K, orders: WireOrder<K>[]): PreparedRequest;
}

/** A request to Calltouch, its body built, ready to go. */
export interface PreparedRequest {
  /** Sends it and answers the classifier's verdict on the answer; never throws. */
  send(): Promise<Verdict>;
}

const paths: Record<ChangeKind, string> = {
  create: "/lead-service/v1/api/client-order/create",
  update: "/lead-service/v1/api/client-order/update",
  delete: "/lead-service/v1/api/client-order/delete",
};

/**
 * The HTTP client of Calltouch's deals API (`lead-service/v1`). It holds the token and is the only
 * place that sends it.
 *
 * @example
 * const calltouch = createCalltouchClient({ baseUrl, siteId, token, crm: "amo", timeoutMs: 10_000 });
 * const verdict = await calltouch.send("create", [compiledOrder]); // verdict.kind === "results"
 */
export function createCalltouchClient(options: CalltouchClientOptions): CalltouchClient {
  const doFetch = options.fetch ?? fetch;
  const headers = {
    "Access-Token": options.token,
    SiteId: options.siteId,
    "Content-Type": "application/json",
  };

  const prepare = <K extends ChangeKind>(kind: K, orders: WireOrder<K>[]): PreparedRequest => {
    const body = JSON.stringify(
      kind === "create"
        ? { crm: options.crm, orders }
        : kind === "update"
          ? { orders }
          : { orderNumbers: orders.map((order) => order.orderNumber) },
    );
    return { send: async () => classify(await post(paths[kind], body), orders, options.token) };
  };
  return { prepare, send: (kind, orders) => prepare(kind, orders).send() };

  async function post(path: string, body: string): Promise<Answer> {
    try {
      const response = await doFetch(options.baseUrl + path, {
        method: "POST",
        headers,
        body,
        // A redirect is an answer to read, not to follow: fetch would resend a POST as a GET.
        redirect: "manual",
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const text = await response.text();
      return { received: true, status: response.status, retryAfter: response.headers.get("retry-after"), text, json: parseJson(text) };
    } catch (error) {
      const timeout = error instanceof Error && error.name === "TimeoutError";
      return { received: false, reason: timeout ? "timeout" : "network", timeoutMs: options.timeoutMs };
    }
  }
}

const clients = new WeakMap<CalltouchClientOptions, CalltouchClient>();

/**
 * The client for a settings object, made once and reused for every request under those settings.
 *
 * @example calltouchClientFor(settings.calltouch).send("update", orders)
 */
export function calltouchClientFor(options: CalltouchClientOptions): CalltouchClient {
  return memo(clients, options, () => createCalltouchClient(options));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
