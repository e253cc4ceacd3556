import type { Result } from "../result";

/** What Calltouch said of one order of a request that it answered with a result per order. */
export type OrderResult = { orderNumber: string; ok: true; calltouchOrderId?: number } | { orderNumber: string; ok: false; error: string };

/**
 * Pairs Calltouch's result items with the orders sent: by `orderNumber` when every item carries it, by
 * position otherwise (whether Calltouch echoes `orderNumber` is not documented). An answer that cannot be
 * paired is an error: the caller cannot tell which order it speaks of.
 *
 * @example pairResults([{ calltouchOrderId: 1 }], [{ orderNumber: "a" }]) // { ok: true, value: [{ orderNumber: "a", ok: true, calltouchOrderId: 1 }] }
 */
export function pairResults(items: readonly unknown[], orders: readonly { orderNumber: string }[]): Result<OrderResult[], string> {
  const echoed = items.every((item) => typeof (item as { orderNumber?: unknown })?.orderNumber === "string");
  if (echoed) {
    const byNumber = Map.groupBy(items, (item) => (item as { orderNumber: string }).orderNumber);
    const results: OrderResult[] = [];
    for (const order of orders) {
      const item = byNumber.get(order.orderNumber)?.shift();
      if (item === undefined) return { ok: false, error: `Calltouch's answer has no result for order ${order.orderNumber}` };
      results.push(toResult(order.orderNumber, item));
    }
    return { ok: true, value: results };
  }
  if (items.length !== orders.length) {
    return { ok: false, error: `Calltouch answered ${items.length} results for ${orders.length} orders` };
  }
  return { ok: true, value: orders.map((order, index) => toResult(order.orderNumber, items[index])) };
}

function toResult(orderNumber: string, item: unknown): OrderResult {
  const { error, calltouchOrderId } = (item ?? {}) as { error?: unknown; calltouchOrderId?: unknown };
  if (error !== undefined && error !== null && error !== "") {
    return { orderNumber, ok: false, error: typeof error === "string" ? error : JSON.stringify(error) };
  }
  const id = typeof calltouchOrderId === "string" ? Number(calltouchOrderId) : calltouchOrderId;
  return typeof id === "number" && Number.isFinite(id) ? { orderNumber, ok: true, calltouchOrderId: id } : { orderNumber, ok: true };
}
