import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decisionJobId } from '../../src/queues/add-decision-flow.ts';
import type { DecideResult } from '../../src/queues/queue-catalog.ts';
import { symbolSlug } from '../../src/market/symbol-slug.ts';
import { aDecision, llmConfigFor } from '../llm/llm-fixtures.ts';
import { replyWith, startModelServer, type ModelServer } from '../support/model-server.ts';
import { allQueues, createTaskHarness, type TaskHarness } from '../support/task-harness.ts';
import { scaled } from '../support/test-timing.ts';

const HOUR_MS = 3_600_000;
const MARKET_MS = Date.UTC(2022, 2, 1, 12, 1);

describe('the daily model budget', () => {
  let server: ModelServer;
  let h: TaskHarness | undefined;
  beforeEach(async () => {
    server = await startModelServer();
  });
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
    await server.close();
  });

  it(
    'once spent, turns the paid model off (it abstains) and raises the degradation level',
    async () => {
      server.script(
        'deepseek-chat',
        replyWith(aDecision({ action: 'HOLD', confidence: 0.6 }), { inputTokens: 2_000, outputTokens: 500 }),
      );
      h = await createTaskHarness({
        clockMs: MARKET_MS,
        config: {
          symbols: { pairs: ['BTC/USD'] },
          portfolio: { targets: { BTC: 50, USD: 50 } },
          // One call of 2 000 + 500 tokens costs more than this.
          llm: llmConfigFor(server, { dailyBudgetUsd: 0.0001 }),
          agents: { decision: { panel: [{ provider: 'deepseek', model: 'deepseek-chat' }] } },
        },
      });
      await h.startWorkers(allQueues);

      const decideAt = async (marketMs: number) => {
        h!.clock.set(marketMs);
        const md = await h!.runTick('market-data');
        await h!.settled('market-data', `marketData.${symbolSlug('BTC/USD')}.${md.tickId}`);
        const tick = await h!.runTick('decision');
        const decide = await h!.settled('decision', decisionJobId('BTC/USD', tick.tickId));
        expect(decide.state, decide.failedReason).toBe('completed');
        return decide.returnvalue as DecideResult;
      };

      // The first call is made (and spends more than the budget).
      expect(await decideAt(MARKET_MS)).toMatchObject({ votes: 1, abstentions: 0 });

      const second = await decideAt(MARKET_MS + HOUR_MS);
      expect(second).toMatchObject({ votes: 0, abstentions: 1 });
      expect(server.requestsFor('deepseek-chat')).toHaveLength(1);
      expect(await h.degradation.level()).toBe(h.config.degradation.budgetSpentLevel);
      const events = await h.t.redis.xrange(h.t.keys.busStream('system_events'), '-', '+');
      const changes = events
        .filter(([, f]) => f[f.indexOf('type') + 1] === 'system.degradation_changed')
        .map(([, f]) => JSON.parse(f[f.indexOf('payload') + 1]!) as { to: string; reason: string });
      expect(changes).toContainEqual(expect.objectContaining({ to: 'LIMITED', reason: 'budget_spent' }));
    },
    scaled(60_000),
  );
});
