/**
 * The value at `p` (0–1) of ascending `sorted` by nearest rank: the smallest value with at least `p` of the
 * values at or below it; 0 when empty.
 *
 * @example percentile([10, 20, 30, 40], 0.5) // 20
 */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(sorted.length * p) - 1)] ?? 0;
}

/**
 * The median of `values`, in any order (they are not changed): the lower of the middle two of an even count.
 *
 * @example median([3, 1, 2]) // 2
 */
export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}
