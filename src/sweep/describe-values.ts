import type { GridValue } from './sweep-spec.ts';

/** A point's values as `path=value …`, as progress lines and refusals name a run. */
export function describeValues(values: Record<string, GridValue>): string {
  return Object.entries(values)
    .map(([path, value]) => `${path}=${value}`)
    .join(' ');
}
