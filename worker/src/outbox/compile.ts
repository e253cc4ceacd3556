import {
  type ChangeKind,
  type CompileSettings,
  compileCreate,
  compileCreateAsUpdate,
  compileUpdate,
  type OrderCreate,
  type OrderUpdate,
} from "@calltouch-gateway/contract";
import type { WireOrder } from "../calltouch/client";

/**
 * What a change is sent as: a create of a deal Calltouch already holds (`known`) goes as an update.
 *
 * @example sendAs("create", true) // "update"
 */
export function sendAs(kind: ChangeKind, known: boolean): ChangeKind {
  return kind === "create" && !known ? "create" : "update";
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
  order: OrderCreate | OrderUpdate,
  settings: CompileSettings,
  acceptedAt: Date,
): WireOrder<ChangeKind> {
  if (kind === "update") return compileUpdate(order as OrderUpdate, settings, acceptedAt);
  return sentAs === "create"
    ? compileCreate(order as OrderCreate, settings, acceptedAt)
    : compileCreateAsUpdate(order as OrderCreate, settings, acceptedAt);
}
