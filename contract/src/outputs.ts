/**
 * What the gateway answers: receipts, a deal's status, operators' records and counts. Schemas, so that the
 * OpenAPI document describes exactly these shapes, and types inferred from them, so that the Worker, the
 * typed client and the document cannot drift apart.
 */

import type { CalltouchCreateOrder, CalltouchUpdateOrder } from "./wire";
import * as z from "./zod";

/** What a change of a deal is: Calltouch takes each kind at its own path. */
export const CHANGE_KINDS = ["create", "update", "delete"] as const;
/** @example const kind: ChangeKind = "create"; */
export type ChangeKind = (typeof CHANGE_KINDS)[number];
export const changeKind = z.enum(CHANGE_KINDS);

/**
 * Who made a change: a CRM or partner app with a secret key (`deal`), or a website visitor through a
 * public key (`lead`). A lead only ever adds a new deal: it is sent as a create, never as an update.
 */
export const CHANGE_ORIGINS = ["deal", "lead"] as const;
/** @example const origin: ChangeOrigin = "lead"; */
export type ChangeOrigin = (typeof CHANGE_ORIGINS)[number];
export const changeOrigin = z.enum(CHANGE_ORIGINS);

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
    changeId: z.int().check(z.minimum(1)),
    state: changeState,
    calltouchOrderId: z
      .optional(z.int().check(z.minimum(1)))
      .check(z.describe("Calltouch's id of the deal, once a change of it was delivered")),
    deliveredAt: z.optional(z.string()).check(z.describe("When Calltouch accepted the change (ISO 8601)")),
    error: z.optional(z.string()).check(z.describe("Why the change is dead, or why its last attempt failed")),
    attempts: z.int().check(z.minimum(0)),
  })
  // Registered on the schema itself, not as a check: `changeRecord` extends it, and a check would carry
  // this description over to it.
  .register(z.globalRegistry, { description: "What the gateway did with one change: stored (queued), in flight, delivered or dead" });
export type Receipt = z.output<typeof receipt>;

/** The answer of `leads.submit` and of a website form asked for JSON: the receipt of the one lead. */
export const leadReceipt = z.object({ receipt });
export type LeadReceipt = z.output<typeof leadReceipt>;

/** The answer of `orders.create` and `orders.update`: one receipt per order, in input order. */
export const receipts = z.object({ receipts: z.array(receipt).check(z.describe("One per order, in input order")) });
export type Receipts = z.output<typeof receipts>;

/**
 * One change in full, for `orders.status` and operators.
 *
 * @example { ...receipt, kind: "create", sentAs: "update", acceptedAt: "…", requestId: "…" }
 */
export const changeRecord = z.extend(receipt, {
  kind: changeKind.check(z.describe("What the caller asked for")),
  origin: changeOrigin.check(z.describe("deal: a secret key's change; lead: a public key's, which only ever adds a new deal")),
  sentAs: z
    .optional(changeKind)
    .check(
      z.describe(
        "What it last went as: a create of a deal Calltouch holds, or whose earlier create may have been applied, goes as an update",
      ),
    ),
  acceptedAt: z.string(),
  nextAttemptAt: z.optional(z.string()).check(z.describe("When the next attempt is due, while the change waits to be retried")),
  requestId: z.string(),
});
export type ChangeRecord = z.output<typeof changeRecord>;

/**
 * What the gateway's ledger believes about a deal: that Calltouch holds it, learned from a create or an
 * update of it that Calltouch accepted. While it does, a create of the deal is sent as an update.
 *
 * @example { calltouchOrderId: 901, since: "2026-11-28T21:03:11.209Z", learnedFrom: 17 }
 */
export const ledgerEntry = z
  .object({
    calltouchOrderId: z.optional(z.int().check(z.minimum(1))),
    since: z.string().check(z.describe("When the ledger last learned it (ISO 8601)")),
    learnedFrom: z
      .optional(z.int().check(z.minimum(1)))
      .check(
        z.describe(
          "The change whose delivery taught it; absent for a belief kept from before facts were recorded, which a refusal may revise",
        ),
      ),
  })
  .check(z.describe("Calltouch holds this deal, as far as the gateway knows; an admin clears it with deliveries.forget"));
export type LedgerEntry = z.output<typeof ledgerEntry>;

/**
 * What became of a deal: the state of its latest change (`unknown` when the gateway never accepted a
 * change of it), Calltouch's id, what the ledger believes and its history.
 */
export const orderStatus = z
  .object({
    orderNumber: z.string(),
    state: z.enum([...CHANGE_STATES, "unknown"]).check(z.describe("The state of the deal's latest change")),
    calltouchOrderId: z.optional(z.int().check(z.minimum(1))),
    ledger: z
      .nullable(ledgerEntry)
      .check(z.describe("null: the gateway does not know Calltouch to hold the deal, so a create goes as a create")),
    changes: z.array(changeRecord).check(z.describe("Every change of the deal the outbox still keeps, oldest first")),
  })
  .check(z.describe("What became of a deal"));
export type OrderStatus = z.output<typeof orderStatus>;

/** The answer of `orders.status`. */
export const orderStatuses = z.object({ orders: z.array(orderStatus) });

/** What one order of a dry run would be sent as. */
export const dryRunResult = z.object({
  orders: z.array(
    z.object({
      orderNumber: z.string(),
      sentAs: z
        .optional(z.enum(["create", "update"]))
        .check(
          z.describe("What it would go as: a create of a deal Calltouch holds goes as an update; shown only to keys with orders:read"),
        ),
      calltouch: z.record(z.string(), z.unknown()).check(z.describe("The exact Calltouch JSON the order would be sent as")),
    }),
  ),
});
/**
 * The dry run's answer, its Calltouch JSON typed by the wire shapes (`wire.ts`) that the schema leaves open.
 * `sentAs` says whether the gateway knows the deal, so only a key that may read deals (`orders:read`) sees
 * it; any other key sees each order compiled as the kind it asked for.
 */
export interface DryRunResult {
  orders: { orderNumber: string; sentAs?: "create" | "update"; calltouch: CalltouchCreateOrder | CalltouchUpdateOrder }[];
}

/** A site's delivery in numbers: `deliveries.stats`. */
export const deliveryStats = z.object({
  queued: z.int().check(z.minimum(0)),
  inFlight: z.int().check(z.minimum(0)),
  delivered: z.int().check(z.minimum(0)),
  dead: z.int().check(z.minimum(0)),
  oldestQueuedAgeMs: z.int().check(z.minimum(0), z.describe("How long the oldest queued change has waited; 0 when none waits")),
  paused: z
    .nullable(z.object({ reason: z.string(), since: z.string() }))
    .check(z.describe("Set while delivery is paused because Calltouch refused the gateway's credentials")),
});
export type DeliveryStats = z.output<typeof deliveryStats>;

/** A page of changes in one state: `deliveries.list`; `next` is the `after` of the following page. */
export const changePage = z.object({ changes: z.array(changeRecord), next: z.optional(z.int().check(z.minimum(1))) });
export type ChangePage = z.output<typeof changePage>;

/**
 * The dead changes a replay put back on their way, and those it left dead with the reason (a later change
 * of the same deal was delivered or is being sent, which the old one would overwrite).
 *
 * @example { replayed: [17], refused: [{ changeId: 12, reason: "change 15 of deal 42, which is later, was delivered: …" }] }
 */
export const replayed = z.object({
  replayed: z.array(z.int().check(z.minimum(1))),
  refused: z.array(z.object({ changeId: z.int().check(z.minimum(1)), reason: z.string() })),
});
export type Replayed = z.output<typeof replayed>;

/** The deals whose ledger entry an admin cleared (`deliveries.forget`): a create of them goes as a create again. */
export const forgotten = z.object({ forgotten: z.array(z.string()) });
export type Forgotten = z.output<typeof forgotten>;

/**
 * What `orders.purge` erased of each deal: its changes (inputs, errors; queued ones are cancelled) and the
 * idempotency records that pointed at them. The ledger's entry stays: it holds no personal data.
 *
 * @example { purged: [{ orderNumber: "42", changes: 3, idempotencyKeys: 1 }] }
 */
export const purged = z.object({
  purged: z.array(
    z.object({ orderNumber: z.string(), changes: z.int().check(z.minimum(0)), idempotencyKeys: z.int().check(z.minimum(0)) }),
  ),
});
export type Purged = z.output<typeof purged>;

/** Whether a resume lifted a pause. */
export const resumed = z.object({ resumed: z.boolean() });
export type Resumed = z.output<typeof resumed>;
