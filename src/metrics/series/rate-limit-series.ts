import type { Registry } from 'prom-client';
import type { MetricsScrape } from '../metrics-sources.ts';
import { gaugeOf, type Sample } from './series-of.ts';

/** Room left on each shared rate-limit counter, and its ceiling. */
export function registerRateLimitSeries(registry: Registry, scrape: MetricsScrape): void {
  const limits = () => scrape.get('rate_limits');
  gaugeOf(
    registry,
    {
      name: 'triplegain_rate_limit_headroom',
      help: 'What a call may still add to the shared rate-limit counter now (its maximum less the decayed counter).',
      labelNames: ['counter'],
    },
    limits,
    (rows) => rows.map((r): Sample => [{ counter: r.counter }, r.headroom]),
  );
  gaugeOf(
    registry,
    {
      name: 'triplegain_rate_limit_max',
      help: 'The ceiling of the shared rate-limit counter.',
      labelNames: ['counter'],
    },
    limits,
    (rows) => rows.map((r): Sample => [{ counter: r.counter }, r.max]),
  );
}
