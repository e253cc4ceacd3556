import type { CalltouchCreateOrder, CalltouchUpdateOrder, ChangeKind } from "@calltouch-gateway/contract";
import { memo } from "../memo";
import { CalltouchError } from "./errors";

export type WireOrder<K extends ChangeKind> = K extends "create" ? CalltouchCreateOrder : CalltouchUpdateOrder;

/** What Calltouch said of one order of a request that it accepted as a whole. */
export type OrderResult = { orderNumber: string; ok: true; calltouchOrderId?: number } | { orderNumber: string; ok: false; error: string };

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
   * Sends one request of up to 100 orders of one kind and answers one result per order, in the
   * orders' order. Throws {@link CalltouchError} when the request failed as a whole.
   */
  send<K extends ChangeKind>(kind: K, orders: WireOrder<K>[]): Promise<OrderResult[]>;
}

const paths: Record<ChangeKind, string> = {
  create: "/lead-service/v1/api/client-order/create",
  update: "/lead-service/v1/api/client-order/update",
};

// Calltouch's throttling answer is not documented; any body that speaks of a limit means "slow down".
const limitText = /limit|лимит|too many|превыш/i;

/**
 * The HTTP client of Calltouch's deals API (`lead-service/v1`). It holds the token and is the only
 * place that sends it.
 *
 * @example
 * const calltouch = createCalltouchClient({ baseUrl, siteId, token, crm: "amo", timeoutMs: 10_000 });
 * const results = await calltouch.send("create", [compiledOrder]);
 */
export function createCalltouchClient(options: CalltouchClientOptions): CalltouchClient {
  const doFetch = options.fetch ?? fetch;
  const headers = {
    "Access-Token": options.token,
    SiteId: options.siteId,
    "Content-Type": "application/json",
  };

  return {
    async send(kind, orders) {
      const body = kind === "create" ? { crm: options.crm, orders } : { orders };
      let response: Response;
      try {
        response = await doFetch(options.baseUrl + paths[kind], {
          method: "POST",
          headers,
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        if (error instanceof Error && error.name === "TimeoutError") {
          throw new CalltouchError("retryable", `Calltouch did not answer within ${options.timeoutMs} ms`);
        }
        throw new CalltouchError("retryable", "Calltouch could not be reached");
      }
      const text = await response.text();
      return readResults(response.status, parseJson(text), text, orders);
    },
  };
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

function readResults(status: number, json: unknown, text: string, orders: readonly { orderNumber: string }[]): OrderResult[] {
  const items = (json as { data?: { orders?: unknown } } | undefined)?.data?.orders;
  const throttled = status === 429 || status === 503 || (!Array.isArray(items) && limitText.test(text));
  if (throttled) {
    throw new CalltouchError("retryable", `Calltouch asked to slow down (HTTP ${status})`, { status, throttled });
  }
  if (status === 401 || status === 403) {
    throw new CalltouchError(
      "configuration",
      `Calltouch refused the gateway's credentials (HTTP ${status}): check CALLTOUCH_TOKEN and CALLTOUCH_SITE_ID`,
      { status },
    );
  }
  if (status === 404 || status === 405) {
    throw new CalltouchError("configuration", `Calltouch has no deals API at this address (HTTP ${status}): check CALLTOUCH_BASE_URL`, {
      status,
    });
  }
  if (status >= 500 || status === 408) {
    throw new CalltouchError("retryable", `Calltouch failed (HTTP ${status})`, { status });
  }
  if (status < 200 || status >= 300) {
    const validation = (json as { data?: { validationErrorData?: unknown } } | undefined)?.data?.validationErrorData;
    const why = validation === undefined ? "" : `: ${JSON.stringify(validation).slice(0, 2000)}`;
    throw new CalltouchError("invalid", `Calltouch refused the request (HTTP ${status})${why}`, {
      status,
      body: validation,
    });
  }
  if (!Array.isArray(items)) {
    throw new CalltouchError("protocol", `Calltouch answered HTTP ${status} without data.orders`, { status });
  }
  return matchResults(items, orders, status);
}

/**
 * Pairs Calltouch's result items with the orders sent: by `orderNumber` when the items carry it,
 * by position otherwise (whether Calltouch echoes `orderNumber` is not documented).
 */
function matchResults(items: unknown[], orders: readonly { orderNumber: string }[], status: number): OrderResult[] {
  const echoed = items.every((item) => typeof (item as { orderNumber?: unknown })?.orderNumber === "string");
  if (echoed) {
    const byNumber = Map.groupBy(items, (item) => (item as { orderNumber: string }).orderNumber);
    return orders.map((order) => {
      const item = byNumber.get(order.orderNumber)?.shift();
      if (item === undefined) {
        throw new CalltouchError("protocol", `Calltouch's answer has no result for order ${order.orderNumber}`, { status });
      }
      return toResult(order.orderNumber, item);
    });
  }
  if (items.length !== orders.length) {
    throw new CalltouchError("protocol", `Calltouch answered ${items.length} results for ${orders.length} orders`, { status });
  }
  return orders.map((order, index) => toResult(order.orderNumber, items[index]));
}

function toResult(orderNumber: string, item: unknown): OrderResult {
  const { error, calltouchOrderId } = (item ?? {}) as { error?: unknown; calltouchOrderId?: unknown };
  if (error !== undefined && error !== null && error !== "") {
    return { orderNumber, ok: false, error: typeof error === "string" ? error : JSON.stringify(error) };
  }
  const id = typeof calltouchOrderId === "string" ? Number(calltouchOrderId) : calltouchOrderId;
  return typeof id === "number" && Number.isFinite(id) ? { orderNumber, ok: true, calltouchOrderId: id } : { orderNumber, ok: true };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
