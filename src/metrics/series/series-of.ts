import { Counter, Gauge, type Registry } from 'prom-client';

/** One sample: its labels and its value (prom-client refuses a label not in the series' `labelNames`). */
export type Sample = [labels: Record<string, string>, value: number];

export interface SeriesSpec {
  name: string;
  help: string;
  labelNames: readonly string[];
}

/**
 * A gauge whose samples are read from `load` at scrape time (prom-client calls `collect`
 * before it writes the gauge out). When `load` gives nothing (its source is down) the gauge
 * has no samples: an absent series, not a false zero.
 */
export function gaugeOf<S>(
  registry: Registry,
  spec: SeriesSpec,
  load: () => Promise<S | undefined>,
  samples: (data: S) => Iterable<Sample>,
): void {
  new Gauge({
    ...spec,
    registers: [registry],
    async collect() {
      const data = await load();
      if (data !== undefined) for (const [labels, value] of samples(data)) this.set(labels, value);
    },
  });
}

/** A counter read at scrape time from a total kept in a store; as `gaugeOf` otherwise. */
export function counterOf<S>(
  registry: Registry,
  spec: SeriesSpec,
  load: () => Promise<S | undefined>,
  samples: (data: S) => Iterable<Sample>,
): void {
  new Counter({
    ...spec,
    registers: [registry],
    async collect() {
      const data = await load();
      if (data !== undefined) for (const [labels, value] of samples(data)) this.inc(labels, value);
    },
  });
}

/** One sample per state, 1 for the current one and 0 for the others: a labelled state gauge. */
export function oneHot(
  label: string,
  states: readonly string[],
  current: string,
  extra: Record<string, string> = {},
): Sample[] {
  return states.map((state) => [{ ...extra, [label]: state }, state === current ? 1 : 0]);
}
