import { Decimal } from '../model/decimal.ts';
import type { SweepResult } from './sweep-result.ts';
import type { SweepMetric } from './sweep-spec.ts';

/**
 * Runs best first by `metric`: the lowest `maxDrawdownPct`, the highest of any other. A run
 * without the figure (no closed trade has no win rate) ranks last; ties keep grid order. Pure.
 */
export function rankSweepResults(results: readonly SweepResult[], metric: SweepMetric): SweepResult[] {
  const direction = metric === 'maxDrawdownPct' ? 1 : -1;
  return [...results].sort((a, b) => {
    const x = a[metric];
    const y = b[metric];
    if (x === null || y === null) return x === y ? a.index - b.index : x === null ? 1 : -1;
    const order = new Decimal(x).comparedTo(y) * direction;
    return order !== 0 ? order : a.index - b.index;
  });
}
