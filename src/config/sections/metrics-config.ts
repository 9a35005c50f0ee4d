import { z } from 'zod';
import { durationMs, secret } from '../config-fields.ts';

/** The `metrics` section: `/metrics` on the dashboard, in Prometheus text format. */
export const MetricsConfig = z
  .object({
    /**
     * Bearer token a scraper presents, from `METRICS_TOKEN`; empty means `/metrics` answers
     * 403. Read-only and separate from `control.token`, so a scraper never holds the kill switch.
     */
    token: secret(),
    /** Wall time each source (Redis, PostgreSQL, a queue) gets per scrape before it is reported down. */
    sourceTimeoutMs: durationMs(100, 30_000).default(2_000),
  })
  .strict();
export type MetricsConfig = z.infer<typeof MetricsConfig>;
