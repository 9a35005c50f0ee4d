import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addSentimentInputs } from '../../src/agents/sentiment/sentiment-input-store.ts';
import { decisionJobId } from '../../src/queues/add-decision-flow.ts';
import type { DecideResult } from '../../src/queues/queue-catalog.ts';
import { symbolSlug } from '../../src/market/symbol-slug.ts';
import { llmConfigFor } from '../llm/llm-fixtures.ts';
import { replyWith, slow, startModelServer, type ModelServer } from '../support/model-server.ts';
import { allQueues, createTaskHarness, type TaskHarness } from '../support/task-harness.ts';
import { scaled } from '../support/test-timing.ts';

const MARKET_MS = Date.UTC(2022, 2, 1, 12, 1);

describe('sentiment as the optional input of a decision', () => {
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

  async function harness(sentimentJobTimeoutMs: number): Promise<TaskHarness> {
    const harness = await createTaskHarness({
      clockMs: MARKET_MS,
      config: {
        symbols: { pairs: ['BTC/USD'] },
        portfolio: { targets: { BTC: 50, USD: 50 } },
        llm: llmConfigFor(server, { timeoutMs: 10_000 }),
        agents: {
          sentiment: { enabled: true, timeoutMs: 10_000, models: [{ provider: 'deepseek', model: 'deepseek-chat' }] },
        },
        schedules: { sentiment: { timeoutMs: sentimentJobTimeoutMs } },
      },
    });
    await addSentimentInputs(harness.database.db, [
      {
        symbol: 'BTC/USD',
        text: 'Spot ETF inflows hit a record',
        source: 'test',
        publishedAtMs: MARKET_MS - 3_600_000,
      },
    ]);
    await harness.startWorkers(allQueues);
    const md = await harness.runTick('market-data');
    await harness.settled('market-data', `marketData.${symbolSlug('BTC/USD')}.${md.tickId}`);
    return harness;
  }

  it(
    'feeds a measured score into the decision and publishes it',
    async () => {
      server.script('deepseek-chat', replyWith({ score: 0.6, confidence: 0.9, reasoning: 'record inflows' }));
      h = await harness(30_000);
      const tick = await h.runTick('decision');
      const decide = await h.settled('decision', decisionJobId('BTC/USD', tick.tickId));
      expect(decide.state, decide.failedReason).toBe('completed');
      expect((decide.returnvalue as DecideResult).withSentiment).toBe(true);
      expect(await h.t.redis.xlen(h.t.keys.busStream('sentiment_updates'))).toBe(1);
    },
    scaled(60_000),
  );

  it(
    'decides without sentiment when the sentiment run fails (times out)',
    async () => {
      server.script('deepseek-chat', slow(4_000, replyWith({ score: 0.6, confidence: 0.9, reasoning: 'late' })));
      h = await harness(1_000);
      const tick = await h.runTick('decision');
      const child = await h.settled('sentiment', `sentiment.BTC-USD.flow-${tick.tickId}`);
      expect(child.state).toBe('failed');
      expect(child.failedReason).toMatch(/longer than 1000 ms/);
      const decide = await h.settled('decision', decisionJobId('BTC/USD', tick.tickId));
      expect(decide.state, decide.failedReason).toBe('completed');
      expect((decide.returnvalue as DecideResult).withSentiment).toBe(false);
      expect(await h.t.redis.xlen(h.t.keys.busStream('sentiment_updates'))).toBe(0);
    },
    scaled(60_000),
  );
});
