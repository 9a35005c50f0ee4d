import { Histogram, type HistogramConfiguration } from 'prom-client';

/** One histogram series as stored: cumulative bucket counts (upper bound in the metric's unit), count and sum. */
export interface StoredHistogramSeries<T extends string> {
  labels: Partial<Record<T, string>>;
  buckets: { le: number | '+Inf'; count: number }[];
  count: number;
  sum: number;
}

type HistogramObject<T extends string> = Awaited<ReturnType<Histogram<T>['get']>>;

/**
 * A Prometheus histogram whose counts were kept elsewhere (workers add to them in Redis) and
 * are read at scrape time by `read`. prom-client's `Histogram` counts only what this process
 * observed and has no way to set its buckets, so this one answers the registry's
 * `get`/`getForPromString` with the series `read` returns, in the shape `Histogram` itself
 * gives (`<name>_bucket{le}`, `<name>_sum`, `<name>_count`). A failing `read` rejects the
 * scrape: `read` must not fail (give it a source of a `Scrape`).
 */
export class StoredHistogram<T extends string> extends Histogram<T> {
  constructor(
    private readonly spec: Pick<HistogramConfiguration<T>, 'name' | 'help' | 'labelNames' | 'registers'>,
    private readonly read: () => Promise<StoredHistogramSeries<T>[]>,
  ) {
    super({ ...spec, buckets: [] });
  }

  override async get(): Promise<HistogramObject<T>> {
    const values: HistogramObject<T>['values'] = [];
    for (const s of await this.read()) {
      for (const b of s.buckets)
        values.push({ metricName: `${this.spec.name}_bucket`, labels: { ...s.labels, le: b.le }, value: b.count });
      values.push({ metricName: `${this.spec.name}_sum`, labels: s.labels, value: s.sum });
      values.push({ metricName: `${this.spec.name}_count`, labels: s.labels, value: s.count });
    }
    const object = {
      name: this.spec.name,
      help: this.spec.help,
      type: 'histogram',
      aggregator: 'sum',
      collect: () => undefined,
      values,
    };
    // The typings declare `type` as a numeric enum; at run time it is the string the text format prints.
    return object as unknown as HistogramObject<T>;
  }

  /** What the registry asks for when it writes the text format. */
  getForPromString(): Promise<HistogramObject<T>> {
    return this.get();
  }
}
