import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import type { AlertDelivery } from '../../src/alerts/alert-delivery.ts';
import { AlertRaiser } from '../../src/alerts/alert-raiser.ts';
import { AppConfig } from '../../src/config/app-config.ts';
import { AlertsConfig } from '../../src/config/sections/alerts-config.ts';
import { DegradationMonitor } from '../../src/degradation/degradation-monitor.ts';
import { TradeDecision } from '../../src/panel/trade-decision.ts';
import { createModelLayer } from '../../src/runtime/create-model-layer.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { replyWith } from '../support/model-server.ts';
import { createTestBus } from '../support/test-bus.ts';
import { bullConnection } from '../support/test-queues.ts';
import { useDatabaseAndModelServer } from '../support/use-database-and-model-server.ts';
import { aDecision, clockOnFreshDay, llmConfigFor } from '../llm/llm-fixtures.ts';

describe('the model layer', () => {
  const env = useDatabaseAndModelServer('postgres');

  it('raises one alert when the day’s model budget is spent', async () => {
    const t = await createTestBus();
    const connection = bullConnection(t.url);
    const queue = new Queue('alerts', { connection, prefix: t.keys.queuePrefix });
    try {
      const config = AppConfig.parse({ llm: llmConfigFor(env.server, { dailyBudgetUsd: 1 }) });
      const alerts = new AlertRaiser({
        redis: t.redis,
        keys: t.keys,
        queue,
        config: AlertsConfig.parse({ webhooks: [{ name: 'ops', url: 'http://127.0.0.1:9/' }], collapseMs: 60_000 }),
        logger: silentLogger,
      });
      const clock = clockOnFreshDay();
      const degradation = new DegradationMonitor({
        redis: t.redis,
        keys: t.keys,
        bus: t.bus,
        config: config.degradation,
        clock,
        logger: silentLogger,
      });
      const { gateway } = createModelLayer(config, { db: env.db.db, clock, logger: silentLogger, degradation, alerts });
      // Each call costs 2M × 0.28 + 1M × 0.42 = 0.98 USD: the second spends the 1 USD budget.
      env.server.script('deepseek-chat', replyWith(aDecision(), { inputTokens: 2_000_000, outputTokens: 1_000_000 }));
      const ask = () =>
        gateway.ask({
          models: [{ provider: 'deepseek', model: 'deepseek-chat' }],
          schema: TradeDecision,
          prompt: { system: 's', user: 'u' },
          purpose: 'decision',
          correlationId: 'budget',
        });
      await ask();
      await ask();
      await ask();

      const raised = (await queue.getJobs(['delayed', 'waiting'])).map((j) => (j.data as AlertDelivery).alert);
      const day = new Date(clock.now()).toISOString().slice(0, 10);
      expect(raised).toEqual([
        expect.objectContaining({
          kind: 'model_budget_spent',
          subject: day,
          severity: 'warning',
          title: 'daily model budget spent (1.96 of 1 USD)',
        }),
      ]);
    } finally {
      await queue.close();
      connection.disconnect();
      await t.cleanup();
    }
  });
});
