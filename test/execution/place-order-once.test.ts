import { afterEach, describe, expect, it } from 'vitest';
import { PaperExchange } from '../../src/exchange/paper/paper-exchange.ts';
import { placeOrderOnce } from '../../src/execution/place-order-once.ts';
import { saveCandles } from '../../src/market/candle-store.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { aCandle } from '../support/builders.ts';
import { recordedSubmissions, recordingExchange } from '../support/recording-exchange.ts';
import { createTaskHarness, type TaskHarness } from '../support/task-harness.ts';
import { scaled } from '../support/test-timing.ts';

const CLOCK_MS = Date.UTC(2024, 0, 10, 12);

describe('placeOrderOnce', () => {
  let h: TaskHarness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it(
    'sends an order once when several deliveries of its job race each other: one claimant calls the exchange',
    async () => {
      h = await createTaskHarness({ clockMs: CLOCK_MS });
      const paper = new PaperExchange({
        db: h.database.db,
        config: { ...h.config.execution.paper, cashAsset: 'USD' },
        clock: h.clock,
        instruments: h.deps.instruments,
      });
      const bar = {
        ...aCandle({
          timeframe: '1h',
          openTimeMs: CLOCK_MS - 3_600_000,
          open: '40000',
          high: '40000',
          low: '40000',
          close: '40000',
          volume: '1000',
        }),
        symbol: 'BTC/USD',
      };
      await saveCandles(h.database.db, [bar], 'replay');
      await paper.onPrice('BTC/USD', bar);
      const listKey = `${h.t.prefix}:test:submissions`;
      const exchange = recordingExchange(paper, h.t.redis, listKey, { latencyMs: 50 });
      const deps = {
        db: h.database.db,
        redis: h.t.redis,
        keys: h.t.keys,
        clock: h.clock,
        logger: silentLogger,
        instruments: h.deps.instruments,
      };
      const input = {
        clientOrderId: 'race-1',
        decisionId: null,
        proposalId: null,
        cause: 'operator',
        correlationId: 'race',
        symbol: 'BTC/USD',
        side: 'buy',
        type: 'market',
        intent: 'entry',
        purpose: 'entry',
        quantity: '0.01',
      } as const;

      const outcomes = await Promise.all(
        Array.from({ length: 6 }, () => placeOrderOnce(deps, exchange, input, { fenceIntent: 'entry', ttlMs: 5_000 })),
      );

      expect(outcomes.map((o) => o.status).sort()).toEqual([
        'already',
        'already',
        'already',
        'already',
        'already',
        'submitted',
      ]);
      expect(await recordedSubmissions(h.t.redis, listKey)).toHaveLength(1);
    },
    scaled(30_000),
  );
});
