import { closeQueues } from '../queues/close-queues.ts';
import { Queue, type ConnectionOptions } from 'bullmq';
import express, { type Router } from 'express';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config.ts';
import type { ControlPlane } from '../control/control-plane.ts';
import { bearerAuth } from '../shared/bearer-auth.ts';
import type { Db } from '../db/open-database.ts';
import type { Keys } from '../keys.ts';
import { queueNames } from '../queues/queue-names.ts';
import type { Logger } from '../shared/logger.ts';
import { redactSecrets } from '../shared/redact-secrets.ts';
import { describeError } from '../shared/triplegain-error.ts';
import { buildMetricsRegistry } from './metrics-registry.ts';
import { metricsLoaders } from './metrics-sources.ts';
import { Scrape, type SourceOutcome } from './scrape.ts';

export interface MetricsRouterDeps {
  /** `metrics.token` and `metrics.sourceTimeoutMs`, and what the sources read (pairs, Kraken tier and key). */
  config: AppConfig;
  redis: Redis;
  /** BullMQ connection for the queues whose jobs are counted. */
  connection: ConnectionOptions;
  keys: Keys;
  control: Pick<ControlPlane, 'current'>;
  /** The database, opened on first use; absent: its series are reported down (`triplegain_scrape_source_up` 0). */
  db?: () => Promise<Db>;
  logger: Logger;
  /** Told the source address of every scrape refused for a missing or wrong token. */
  onAuthFailure?: (address: string) => void;
}

export interface MetricsRouter {
  router: Router;
  /** Closes the queues it opened. */
  close(): Promise<void>;
}

const describe = (err: unknown) => redactSecrets(describeError(err));

/**
 * `GET /metrics` in Prometheus text format, with `Authorization: Bearer <metrics.token>`
 * (`METRICS_TOKEN`, read-only: not the control API's token); 403 saying how to turn it on
 * while none is configured, 401 for a missing or wrong token.
 *
 * Every series is read at scrape time from the stores every process shares (BullMQ, the bus,
 * Redis counters the workers keep, PostgreSQL), so one scrape of the dashboard covers the
 * cluster. Each source gets `metrics.sourceTimeoutMs`; one that fails or is late is left out
 * and reported as `triplegain_scrape_source_up{source} 0`, and the rest is served. A source
 * going down or coming back is logged once, not at every scrape.
 */
export function createMetricsRouter(deps: MetricsRouterDeps): MetricsRouter {
  const queues = queueNames.map(
    (name) => new Queue(name, { connection: deps.connection, prefix: deps.keys.queuePrefix }),
  );
  // A Queue re-emits its connection's errors and Node throws unheard ones; an outage shows as `queues` down.
  for (const queue of queues) queue.on('error', () => undefined);
  const loaders = metricsLoaders({ ...deps, queues });
  const down = new Set<string>();

  const logChanges = (outcomes: SourceOutcome[]) => {
    for (const o of outcomes) {
      if (!o.up && !down.has(o.source)) deps.logger.warn({ source: o.source, err: o.error }, 'metrics source down');
      if (o.up && down.has(o.source)) deps.logger.info({ source: o.source }, 'metrics source back');
      if (o.up) down.delete(o.source);
      else down.add(o.source);
    }
  };

  const router = express.Router();
  router.use(
    bearerAuth({
      token: deps.config.metrics.token,
      offMessage: 'metrics are off: set METRICS_TOKEN (metrics.token)',
      onFailure: deps.onAuthFailure,
    }),
  );
  router.get('/', async (_req, res) => {
    const scrape = new Scrape(loaders, deps.config.metrics.sourceTimeoutMs);
    const outcomes = () => scrape.outcomes(describe);
    try {
      const registry = buildMetricsRegistry(scrape, outcomes);
      const text = await registry.metrics();
      logChanges(await outcomes());
      res.type(registry.contentType).send(text);
    } catch (err) {
      deps.logger.error({ err: describe(err) }, 'metrics scrape failed');
      res.status(500).json({ error: 'metrics scrape failed' });
    }
  });
  return {
    router,
    async close() {
      await closeQueues(queues);
    },
  };
}
