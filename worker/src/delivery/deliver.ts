import type { CalltouchClient, ChangeKind, WireOrder } from "../calltouch/client";
import { CalltouchError, type CalltouchFailureKind } from "../calltouch/errors";
import { planBatches } from "./plan";

/** One compiled change to one deal. */
export type Change = { [K in ChangeKind]: { kind: K; order: WireOrder<K> } }[ChangeKind];

/** What became of one change. */
export type DeliveryResult =
  | { orderNumber: string; outcome: "delivered"; calltouchOrderId?: number }
  /** Calltouch refused this order (or the request that carried it) for its content. */
  | { orderNumber: string; outcome: "rejected"; error: string }
  /** The request that carried it failed as a whole; `reason` says whether trying again may help. */
  | { orderNumber: string; outcome: "failed"; error: string; reason: Exclude<CalltouchFailureKind, "invalid"> };

export interface DeliverOptions {
  client: CalltouchClient;
  /** Orders per upstream request. */
  batchSize: number;
  /** Upstream requests per second this call may make. */
  requestsPerSecond: number;
}

/**
 * Sends changes to Calltouch in as few requests as the rules allow (see {@link planBatches}), no
 * faster than `requestsPerSecond`, and answers one result per change, in the changes' order.
 * It never throws for an upstream failure: a failed request marks its changes `failed`.
 *
 * @example
 * const results = await deliver([{ kind: "create", order }], { client, batchSize: 100, requestsPerSecond: 5 });
 */
export async function deliver(changes: readonly Change[], options: DeliverOptions): Promise<DeliveryResult[]> {
  const results: DeliveryResult[] = new Array(changes.length);
  const batches = planBatches(
    changes.map((change) => ({ kind: change.kind, orderNumber: change.order.orderNumber })),
    options.batchSize,
  );
  const interval = 1000 / options.requestsPerSecond;
  let nextAt = 0;
  for (const batch of batches) {
    const wait = nextAt - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    nextAt = Date.now() + interval;

    const first = changes[batch[0]!]!;
    const orders = batch.map((index) => changes[index]!.order);
    try {
      const answers = await options.client.send(first.kind, orders);
      batch.forEach((index, position) => {
        const answer = answers[position]!;
        results[index] = answer.ok
          ? { orderNumber: answer.orderNumber, outcome: "delivered", ...pick(answer.calltouchOrderId) }
          : { orderNumber: answer.orderNumber, outcome: "rejected", error: answer.error };
      });
    } catch (error) {
      if (!(error instanceof CalltouchError)) throw error;
      for (const index of batch) {
        const orderNumber = changes[index]!.order.orderNumber;
        results[index] =
          error.kind === "invalid"
            ? { orderNumber, outcome: "rejected", error: error.message }
            : { orderNumber, outcome: "failed", error: error.message, reason: error.kind };
      }
    }
  }
  return results;
}

function pick(calltouchOrderId: number | undefined) {
  return calltouchOrderId === undefined ? {} : { calltouchOrderId };
}
