import { TriplegainError } from '../shared/triplegain-error.ts';
import type { GridValue } from './sweep-spec.ts';

/** Most runs one sweep may have. */
export const MAX_SWEEP_RUNS = 1_000;

/**
 * Every combination of a grid's values, one map of path → value per run, in a fixed order:
 * the paths as written, the last path varying fastest. Pure.
 *
 * @throws TriplegainError `INPUT_INVALID` beyond `MAX_SWEEP_RUNS` combinations.
 */
export function expandGrid(grid: Readonly<Record<string, readonly GridValue[]>>): Record<string, GridValue>[] {
  const paths = Object.keys(grid);
  const total = paths.reduce((n, path) => n * grid[path]!.length, 1);
  if (total > MAX_SWEEP_RUNS)
    throw new TriplegainError('INPUT_INVALID', `the grid makes ${total} runs; at most ${MAX_SWEEP_RUNS}`);
  let points: Record<string, GridValue>[] = [{}];
  for (const path of paths)
    points = points.flatMap((point) => grid[path]!.map((value) => ({ ...point, [path]: value })));
  return points;
}
