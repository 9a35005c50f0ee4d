/**
 * The nearest-rank percentile `p` (0..100) of `values` (any order; not modified): the smallest
 * value with at least p % of the values at or below it. `undefined` when there are none.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((Math.min(100, Math.max(0, p)) / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)];
}
