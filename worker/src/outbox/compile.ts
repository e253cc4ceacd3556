import {
  type ChangeKind,
  type ChangeOrigin,
  type CompileSettings,
  compileCreate,
  compileCreateAsUpdate,
  compileUpdate,
  type OrderCreate,
  type OrderDelete,
  type OrderUpdate,
} from "@calltouch-gateway/contract";
import type { WireOrder } from "../calltouch/client";

/** Why a create goes as an update although the ledger does not know its deal: to find out whether Calltouch holds it. */
export type Hypothesis = "applied" | "exists";

/**
 * What a change is sent as, from what is known: a create of a deal the ledger knows goes as an update.
 *
 * @example sendAs("create", true) // "update"
 */
export function sendAs(kind: ChangeKind, known: boolean): ChangeKind {
  return kind === "create" && known ? "update" : kind;
}

/**
 * What a queued change goes as next. A lead is only ever sent as a create. A deal's create goes as an
 * update when the ledger knows the deal, or to test a hypothesis that Calltouch holds it: its own earlier
 * create may have been applied (`applied`: sent, no answer), or Calltouch's words suggested so (`exists`).
 *
 * @example routeOf({ kind: "create", origin: "deal", known: false, hypothesis: "applied" }) // "update"
 */
export function routeOf(change: { kind: ChangeKind; origin: ChangeOrigin; known: boolean; hypothesis: Hypothesis | null }): ChangeKind {
  if (change.kind !== "create" || change.origin === "lead") return change.kind;
  return change.hypothesis === null ? sendAs(change.kind, change.known) : "update";
}

/**
 * The Calltouch order a change is sent as. The flusher and the dry run (`orders.validate`) both compile
 * here, so that what the dry run shows is what is sent.
 *
 * @example compileChange("create", "update", order, settings.calltouch, new Date(acceptedAt))
 */
export function compileChange(
  kind: ChangeKind,
  sentAs: ChangeKind,
  order: OrderCreate | OrderUpdate | OrderDelete,
  settings: CompileSettings,
  acceptedAt: Date,
): WireOrder<ChangeKind> {
  if (kind === "delete") return { orderNumber: order.orderNumber };
  if (kind === "update") return compileUpdate(order as OrderUpdate, settings, acceptedAt);
  return sentAs === "create"
    ? compileCreate(order as OrderCreate, settings, acceptedAt)
    : compileCreateAsUpdate(order as OrderCreate, settings, acceptedAt);
}
