import type { SweepResult } from './sweep-result.ts';

/** Two or more runs, and no figure differs between them: the grid changed nothing. Pure. */
export function sameFiguresEverywhere(results: readonly SweepResult[]): boolean {
  const figures = ({ index: _i, values: _v, worker: _w, elapsedMs: _e, ...rest }: SweepResult) => JSON.stringify(rest);
  return results.length > 1 && new Set(results.map(figures)).size === 1;
}
