import type { ChangeKind } from "../calltouch/client";

/**
 * Splits changes into upstream requests: each request holds changes of one kind, at most
 * `batchSize` of them, and at most one change per order, and an order's changes land in requests
 * in the order they were given. Answers the indices of `changes` for each request, in sending order.
 *
 * @example
 * planBatches([{ kind: "create", orderNumber: "a" }, { kind: "update", orderNumber: "a" }], 100)
 * // → [[0], [1]]: the update waits for its create
 */
export function planBatches(
  changes: readonly { kind: ChangeKind; orderNumber: string }[],
  batchSize: number,
): number[][] {
  // A change's wave is how many earlier changes its order has; waves go out one after another.
  const seen = new Map<string, number>();
  const waves: Map<ChangeKind, number[]>[] = [];
  changes.forEach((change, index) => {
    const wave = seen.get(change.orderNumber) ?? 0;
    seen.set(change.orderNumber, wave + 1);
    const kinds = (waves[wave] ??= new Map());
    const list = kinds.get(change.kind);
    if (list) list.push(index);
    else kinds.set(change.kind, [index]);
  });
  const batches: number[][] = [];
  for (const kinds of waves) {
    for (const indices of kinds.values()) {
      for (let start = 0; start < indices.length; start += batchSize) {
        batches.push(indices.slice(start, start + batchSize));
      }
    }
  }
  return batches;
}
