import type { ChangeKind } from "../calltouch/client";

/** Where a change is on its way to Calltouch. */
export type ChangeState = "queued" | "in_flight" | "delivered" | "dead";

export const CHANGE_STATES: readonly ChangeState[] = ["queued", "in_flight", "delivered", "dead"];

/** What the gateway tells a caller about one change: the receipt of `orders.create` / `orders.update`. */
export interface Receipt {
  orderNumber: string;
  changeId: number;
  state: ChangeState;
  /** Calltouch's id of the deal, once a change of it was delivered. */
  calltouchOrderId?: number;
  /** When Calltouch accepted the change (ISO 8601). */
  deliveredAt?: string;
  /** Why the change is dead, or why its last attempt failed. */
  error?: string;
  attempts: number;
}

/** One change in full, for `orders.status` and operators. */
export interface ChangeRecord extends Receipt {
  /** What the caller asked for. */
  kind: ChangeKind;
  /** What the gateway sent it as: a create of a deal Calltouch already holds goes as an update. */
  sentAs?: ChangeKind;
  acceptedAt: string;
  /** When the next attempt is due, while the change waits to be retried. */
  nextAttemptAt?: string;
  requestId: string;
}

export interface OrderStatus {
  orderNumber: string;
  /** The state of the order's latest change; `unknown` when the gateway never accepted a change of it. */
  state: ChangeState | "unknown";
  calltouchOrderId?: number;
  /** Every change of the order the outbox still keeps, oldest first. */
  changes: ChangeRecord[];
}

export interface DeliveryStats {
  queued: number;
  inFlight: number;
  delivered: number;
  dead: number;
  /** How long the oldest queued change has waited, in milliseconds; 0 when none waits. */
  oldestQueuedAgeMs: number;
  /** Set while delivery is paused because Calltouch refused the gateway's credentials. */
  paused: { reason: string; since: string } | null;
}
