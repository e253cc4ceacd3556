import {
  compileCreate,
  compileUpdate,
  type OrderCreate,
  type OrderUpdate,
} from "@calltouch-gateway/contract";
import { createCalltouchClient } from "../calltouch/client";
import { type Change, type DeliveryResult, deliver } from "../delivery/deliver";
import type { Settings } from "../settings";

/** The gateway's answer for one order of a call. */
export type Receipt = DeliveryResult;

export type Submission =
  | { kind: "create"; orders: OrderCreate[] }
  | { kind: "update"; orders: OrderUpdate[] };

/**
 * Compiles validated orders to Calltouch's wire shape and delivers them, answering one receipt per
 * order in the orders' order. Every way into the gateway (tRPC, and later REST and forms) ends here.
 *
 * @example
 * const receipts = await submitOrders({ kind: "create", orders: [order] }, settings);
 */
export async function submitOrders(submission: Submission, settings: Settings): Promise<Receipt[]> {
  const acceptedAt = new Date();
  const { calltouch } = settings;
  const changes: Change[] =
    submission.kind === "create"
      ? submission.orders.map((order) => ({ kind: "create", order: compileCreate(order, calltouch, acceptedAt) }))
      : submission.orders.map((order) => ({ kind: "update", order: compileUpdate(order, calltouch, acceptedAt) }));
  return deliver(changes, {
    client: createCalltouchClient(calltouch),
    batchSize: calltouch.batchSize,
    requestsPerSecond: calltouch.requestsPerSecond,
  });
}
