import parsePrometheusTextFormat, { type PrometheusFamily, type PrometheusSample } from 'parse-prometheus-text-format';

export interface ScrapedMetrics {
  /** Every family as the parser types it (a histogram under its base name, type HISTOGRAM). */
  families: Map<string, PrometheusFamily>;
  /**
   * The sample of `name` whose labels include `labels`; undefined when there is none. A
   * histogram's lines are found under their own names (`<name>_bucket` with `le`, `_sum`, `_count`).
   */
  sample(name: string, labels?: Record<string, string>): PrometheusSample | undefined;
  /** Its value as a number; undefined when there is no such sample. */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

/** GETs `/metrics` with the bearer token and reads it as Prometheus would; throws unless it answers 200 in the text format. */
export async function scrapeMetrics(baseUrl: string, token: string): Promise<ScrapedMetrics> {
  const res = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}: ${text}`);
  if (!res.headers.get('content-type')?.startsWith('text/plain; version=0.0.4'))
    throw new Error(`GET /metrics answered ${res.headers.get('content-type')}`);
  const families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
  // The parser folds the series of a labelled histogram into one and drops their labels, sum
  // and count: histograms are read a second time as untyped lines, each under its own name.
  const lines = new Map<string, PrometheusSample[]>();
  for (const f of parsePrometheusTextFormat(text.replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped'))) {
    lines.set(f.name, [...(lines.get(f.name) ?? []), ...f.metrics]);
  }
  const sample = (name: string, labels: Record<string, string> = {}) =>
    lines.get(name)?.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return {
    families,
    sample,
    value(name, labels) {
      const found = sample(name, labels);
      return found?.value === undefined ? undefined : Number(found.value);
    },
  };
}
