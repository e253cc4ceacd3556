/**
 * Idempotency resolution of one call, pure: given the call's key and each order's key, with what the
 * outbox remembers of them, which orders to store, which to answer with an earlier change, and which
 * keys to remember. The outbox looks the keys up and stores, in one transaction.
 */
import type { Result } from "../result";

/** What the outbox remembers of a key: the body's fingerprint and the changes it made. */
export interface Remembered {
  fingerprint: string;
  changeIds: number[];
}

/** A key of the call or of one order, its fingerprint, and what the outbox remembers of it, if anything. */
export interface KeyUse {
  key: string;
  fingerprint: string;
  earlier: Remembered | undefined;
}

/** What becomes of one order of the call. */
export type Slot = { kind: "fresh" } | { kind: "stored"; changeId: number } | { kind: "repeat"; of: number };

/** What to store: a slot per order, and the per-order keys seen for the first time. */
export interface Plan {
  slots: Slot[];
  /** Indexes of the orders to store, in input order. */
  fresh: number[];
  newKeys: { key: string; fingerprint: string; index: number }[];
}

/** Why a call is refused: a key was used before with another body. */
export interface IdempotencyConflict {
  kind: "conflict";
  message: string;
}

/**
 * Resolves a call. The call's key, when remembered with the same body, answers the earlier call's
 * changes (`replay`); an order's key answers its earlier change (`stored`), or an order earlier in the
 * same call (`repeat`); any key remembered with another body refuses the whole call.
 *
 * @example
 * resolveIdempotency(undefined, [{ key: "k", fingerprint: "f", earlier: undefined }, undefined, { key: "k", fingerprint: "f", earlier: undefined }])
 * // { ok: true, value: { plan: { slots: [fresh, fresh, { kind: "repeat", of: 0 }], fresh: [0, 1], newKeys: [{ key: "k", fingerprint: "f", index: 0 }] } } }
 */
export function resolveIdempotency(
  call: KeyUse | undefined,
  orders: readonly (KeyUse | undefined)[],
): Result<{ replay: number[] } | { plan: Plan }, IdempotencyConflict> {
  if (call?.earlier) {
    return call.earlier.fingerprint === call.fingerprint
      ? { ok: true, value: { replay: call.earlier.changeIds } }
      : conflict(`Idempotency-Key "${call.key}" was used before with a different body`);
  }
  const slots: Slot[] = [];
  const firstInCall = new Map<string, { index: number; fingerprint: string }>();
  for (const [index, use] of orders.entries()) {
    if (!use) {
      slots.push({ kind: "fresh" });
      continue;
    }
    const inCall = firstInCall.get(use.key);
    const fingerprint = use.earlier?.fingerprint ?? inCall?.fingerprint;
    if (fingerprint !== undefined && fingerprint !== use.fingerprint) {
      return conflict(`orders[${index}].idempotencyKey "${use.key}" was used before with a different order`);
    }
    if (use.earlier) slots.push({ kind: "stored", changeId: use.earlier.changeIds[0]! });
    else if (inCall) slots.push({ kind: "repeat", of: inCall.index });
    else {
      firstInCall.set(use.key, { index, fingerprint: use.fingerprint });
      slots.push({ kind: "fresh" });
    }
  }
  return {
    ok: true,
    value: {
      plan: {
        slots,
        fresh: slots.flatMap((slot, index) => (slot.kind === "fresh" ? [index] : [])),
        newKeys: [...firstInCall].map(([key, { index, fingerprint }]) => ({ key, fingerprint, index })),
      },
    },
  };
}

/**
 * The change id of every order of a plan, once its fresh orders were stored as `freshIds` (in order).
 *
 * @example changeIdsOf(plan, [17, 18]) // [17, 18, 17] for the plan of the example above
 */
export function changeIdsOf(plan: Plan, freshIds: readonly number[]): number[] {
  const ids: number[] = [];
  const fresh = new Map(plan.fresh.map((index, position) => [index, freshIds[position]!]));
  for (const [index, slot] of plan.slots.entries()) {
    ids.push(slot.kind === "fresh" ? fresh.get(index)! : slot.kind === "stored" ? slot.changeId : ids[slot.of]!);
  }
  return ids;
}

function conflict(message: string): { ok: false; error: IdempotencyConflict } {
  return { ok: false, error: { kind: "conflict", message } };
}
