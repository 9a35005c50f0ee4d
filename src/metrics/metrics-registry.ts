import { Registry } from 'prom-client';
import type { MetricsScrape } from './metrics-sources.ts';
import type { SourceOutcome } from './scrape.ts';
import { registerBusSeries } from './series/bus-series.ts';
import { registerModelSeries } from './series/model-series.ts';
import { registerQueueSeries } from './series/queue-series.ts';
import { registerRateLimitSeries } from './series/rate-limit-series.ts';
import { gaugeOf, type Sample } from './series/series-of.ts';
import { registerStateSeries } from './series/state-series.ts';
import { registerTradingSeries } from './series/trading-series.ts';

/**
 * A registry of every `/metrics` series, for one scrape: each series reads its source from
 * `scrape` when the registry writes it out, so a scrape sees one reading of each source.
 * `outcomes` says which sources answered (`triplegain_scrape_source_up`) and how long each took.
 */
export function buildMetricsRegistry(scrape: MetricsScrape, outcomes: () => Promise<SourceOutcome[]>): Registry {
  const registry = new Registry();
  registerQueueSeries(registry, scrape);
  registerBusSeries(registry, scrape);
  registerStateSeries(registry, scrape);
  registerTradingSeries(registry, scrape);
  registerModelSeries(registry, scrape);
  registerRateLimitSeries(registry, scrape);
  gaugeOf(
    registry,
    {
      name: 'triplegain_scrape_source_up',
      help: '1 when the source answered this scrape in time, 0 when it failed or timed out (its series are then absent).',
      labelNames: ['source'],
    },
    outcomes,
    (rows) => rows.map((r): Sample => [{ source: r.source }, r.up ? 1 : 0]),
  );
  gaugeOf(
    registry,
    {
      name: 'triplegain_scrape_source_duration_seconds',
      help: 'Wall time the source took this scrape (up to the timeout).',
      labelNames: ['source'],
    },
    outcomes,
    (rows) => rows.map((r): Sample => [{ source: r.source }, r.seconds]),
  );
  return registry;
}
