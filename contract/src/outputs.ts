/**
 * What the gateway answers: receipts, a deal's status, operators' records and counts. Schemas, so that the
 * OpenAPI document describes exactly these shapes, and types inferred from them, so that the Worker, the
 * typed client and the document cannot drift apart.
 */
import * as z from "zod";
import type { CalltouchCreateOrder, CalltouchUpdateOrder } from "./wire";

/** What a change of a deal is: Calltouch takes each kind at its own path. */
export const CHANGE_KINDS = ["create", "update"] as const;
/** @example const kind: ChangeKind = "create"; */
export type ChangeKind = (typeof CHANGE_KINDS)[number];
export const changeKind = z.enum(CHANGE_KINDS);

/** Where a change is on its way to Calltouch. */
export const CHANGE_STATES = ["queued", "in_flight", "delivered", "dead"] as const;
/** @example const state: ChangeState = "delivered"; */
export type ChangeState = (typeof CHANGE_STATES)[number];
export const changeState = z.enum(CHANGE_STATES);

/**
 * What the gateway tells a caller about one change: the receipt of `orders.create` / `orders.update`.
 *
 * @example { orderNumber: "42", changeId: 17, state: "delivered", attempts: 1, calltouchOrderId: 901, deliveredAt: "2026-11-28T21:03:11.209Z" }
 */
export const receipt = z
  .object({
    orderNumber: z.string(),
    changeId: z.int().min(1),
    state: changeState,
    calltouchOrderId: z.int().optional().describe("Calltouch's id of the deal, once a change of it was delivered"),
    deliveredAt: z.string().optional().describe("When Calltouch accepted the change (ISO 8601)"),
    error: z.string().optional().describe("Why the change is dead, or why its last attempt failed"),
    attempts: z.int().min(0),
  })
  .describe("What the gateway did with one change: stored (queued), in flight, delivered or dead");
export type Receipt = z.output<typeof receipt>;

/** The answer of `leads.submit` and of a website form asked for JSON: the receipt of the one lead. */
export const leadReceipt = z.object({ receipt });
export type LeadReceipt = z.output<typeof leadReceipt>;

/** The answer of `orders.create` and `orders.update`: one receipt per order, in input order. */
export const receipts = z.object({ receipts: z.array(receipt).describe("One per order, in input order") });
export type Receipts = z.output<typeof receipts>;

/**
 * One change in full, for `orders.status` and operators.
 *
 * @example { ...receipt, kind: "create", sentAs: "update", acceptedAt: "…", requestId: "…" }
 */
export const changeRecord = receipt.extend({
  kind: changeKind.describe("What the caller asked for"),
  sentAs: changeKind.optional().describe("What it went as: a create of a deal Calltouch holds goes as an update"),
  acceptedAt: z.string(),
  nextAttemptAt: z.string().optional().describe("When the next attempt is due, while the change waits to be retried"),
  requestId: z.string(),
});
export type ChangeRecord = z.output<typeof changeRecord>;

/**
 * What became of a deal: the state of its latest change (`unknown` when the gateway never accepted a
 * change of it), Calltouch's id and its history.
 */
export const orderStatus = z
  .object({
    orderNumber: z.string(),
    state: z.enum([...CHANGE_STATES, "unknown"]).describe("The state of the deal's latest change"),
    calltouchOrderId: z.int().optional(),
    changes: z.array(changeRecord).describe("Every change of the deal the outbox still keeps, oldest first"),
  })
  .describe("What became of a deal");
export type OrderStatus = z.output<typeof orderStatus>;

/** The answer of `orders.status`. */
export const orderStatuses = z.object({ orders: z.array(orderStatus) });

/** What one order of a dry run would be sent as. */
export const dryRunResult = z.object({
  orders: z.array(
    z.object({
      orderNumber: z.string(),
      sentAs: changeKind
        .optional()
        .describe("What it would go as: a create of a deal Calltouch holds goes as an update; shown only to keys with orders:read"),
      calltouch: z.record(z.string(), z.unknown()).describe("The exact Calltouch JSON the order would be sent as"),
    }),
  ),
});
/**
 * The dry run's answer, its Calltouch JSON typed by the wire shapes (`wire.ts`) that the schema leaves open.
 * `sentAs` says whether the gateway knows the deal, so only a key that may read deals (`orders:read`) sees
 * it; any other key sees each order compiled as the kind it asked for.
 */
export interface DryRunResult {
  orders: { orderNumber: string; sentAs?: ChangeKind; calltouch: CalltouchCreateOrder | CalltouchUpdateOrder }[];
}

/** A site's delivery in numbers: `deliveries.stats`. */
export const deliveryStats = z.object({
  queued: z.int().min(0),
  inFlight: z.int().min(0),
  delivered: z.int().min(0),
  dead: z.int().min(0),
  oldestQueuedAgeMs: z.int().min(0).describe("How long the oldest queued change has waited; 0 when none waits"),
  paused: z
    .object({ reason: z.string(), since: z.string() })
    .nullable()
    .describe("Set while delivery is paused because Calltouch refused the gateway's credentials"),
});
export type DeliveryStats = z.output<typeof deliveryStats>;

/** A page of changes in one state: `deliveries.list`; `next` is the `after` of the following page. */
export const changePage = z.object({ changes: z.array(changeRecord), next: z.int().optional() });
export type ChangePage = z.output<typeof changePage>;

/** The dead changes a replay put back on their way. */
export const replayed = z.object({ replayed: z.array(z.int()) });
export type Replayed = z.output<typeof replayed>;

/** Whether a resume lifted a pause. */
export const resumed = z.object({ resumed: z.boolean() });
export type Resumed = z.output<typeof resumed>;
