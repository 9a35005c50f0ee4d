import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { candles } from '../../src/db/schema/candles.ts';
import { tradingSignals } from '../../src/db/schema/trading-signals.ts';
import { decisionJobId } from '../../src/queues/add-decision-flow.ts';
import type { DecideResult } from '../../src/queues/queue-catalog.ts';
import { symbolSlug } from '../../src/market/symbol-slug.ts';
import { allQueues, createTaskHarness, type TaskHarness } from '../support/task-harness.ts';
import { scaled } from '../support/test-timing.ts';

/** A market time the recordings of both pairs cover, a minute after a bar closed. */
const MARKET_MS = Date.UTC(2022, 2, 1, 12, 1);
const LAST_BAR_MS = Date.UTC(2022, 2, 1, 11);

async function loadHistory(h: TaskHarness): Promise<void> {
  const md = await h.runTick('market-data');
  for (const symbol of h.config.symbols.pairs) {
    const run = await h.settled('market-data', `marketData.${symbolSlug(symbol)}.${md.tickId}`);
    expect(run.state, run.failedReason).toBe('completed');
  }
}

describe('the decision flow', () => {
  let h: TaskHarness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it(
    'runs TA and regime first, then decides from their results, stores and publishes one signal per symbol',
    async () => {
      h = await createTaskHarness({ clockMs: MARKET_MS });
      await h.startWorkers(allQueues);
      const md = await h.runTick('market-data');
      expect(md).toMatchObject({ enqueued: 2, skipped: [] });
      for (const symbol of h.config.symbols.pairs) {
        const run = await h.settled('market-data', `marketData.${symbolSlug(symbol)}.${md.tickId}`);
        expect(run.returnvalue).toMatchObject({ stored: 300, published: 1, lastOpenTimeMs: LAST_BAR_MS });
      }

      const tick = await h.runTick('decision');
      expect(tick).toMatchObject({ enqueued: 2, skipped: [] });
      for (const symbol of h.config.symbols.pairs) {
        const decide = await h.settled('decision', decisionJobId(symbol, tick.tickId));
        expect(decide.state, decide.failedReason).toBe('completed');
        const result = decide.returnvalue as DecideResult;
        expect(result).toMatchObject({
          candleOpenTimeMs: LAST_BAR_MS,
          votes: 1,
          abstentions: 0,
          withSentiment: false,
          inserted: true,
        });

        // The children finished before the decision started.
        for (const child of ['ta', 'regime'] as const) {
          const run = await h.settled(child, `${child}.${symbolSlug(symbol)}.flow-${tick.tickId}`);
          expect(run.state).toBe('completed');
          expect(run.finishedOn!).toBeLessThanOrEqual(decide.processedOn!);
        }
        const [row] = await h.database.db
          .select()
          .from(tradingSignals)
          .where(eq(tradingSignals.signalId, result.signalId));
        expect(row).toMatchObject({
          symbol,
          action: result.action,
          candleOpenTime: new Date(LAST_BAR_MS),
          withSentiment: false,
          degradationLevel: 'NORMAL',
        });
        expect(row!.publishedAt).not.toBeNull();
      }

      const published = await h.t.redis.xrange(h.t.keys.busStream('trading_signals'), '-', '+');
      expect(published).toHaveLength(2);
      const symbols = published.map(([, fields]) => fields[fields.indexOf('symbol') + 1]).sort();
      expect(symbols).toEqual(['BTC/USD', 'XRP/USD']);
    },
    scaled(60_000),
  );

  it(
    'fails the decision of a symbol whose TA child fails, and still decides the others',
    async () => {
      h = await createTaskHarness({ clockMs: MARKET_MS });
      await h.startWorkers(allQueues);
      await loadHistory(h);
      // XRP/USD loses its history: its TA and regime runs refuse to analyse.
      await h.database.db.delete(candles).where(eq(candles.symbol, 'XRP/USD'));

      const tick = await h.runTick('decision');
      const xrp = await h.settled('decision', decisionJobId('XRP/USD', tick.tickId));
      const btc = await h.settled('decision', decisionJobId('BTC/USD', tick.tickId));
      expect(xrp.state).toBe('failed');
      expect(btc.state).toBe('completed');
      const rows = await h.database.db.select().from(tradingSignals);
      expect(rows.map((r) => r.symbol)).toEqual(['BTC/USD']);
    },
    scaled(60_000),
  );

  it(
    'makes a flow wait for a TA run of the same symbol that is going, and skips a scheduled run meanwhile',
    async () => {
      h = await createTaskHarness({ clockMs: MARKET_MS });
      await h.startWorkers(allQueues);
      await loadHistory(h);

      // Another worker is analysing BTC/USD for the next 1.5 s.
      const lease = h.t.keys.runLease('ta', 'BTC-USD');
      await h.t.redis.set(lease, 'someone-else', 'PX', 1_500);
      const tick = await h.runTick('decision');
      // Meanwhile the timetable's own TA run of BTC/USD is skipped, and counted.
      const scheduled = await h.runTick('ta');
      const btcScheduled = await h.settled('ta', `ta.BTC-USD.${scheduled.tickId}`);
      expect(btcScheduled.returnvalue).toEqual({ status: 'skipped', reason: 'busy' });
      expect(Number(await h.t.redis.hget(h.t.keys.scheduleSkips, 'ta|BTC/USD'))).toBe(1);
      // A second decision tick while the first flow of BTC/USD is unfinished skips that symbol.
      const second = await h.runTick('decision');
      expect(second.skipped).toContain('BTC/USD');
      expect(Number(await h.t.redis.hget(h.t.keys.scheduleSkips, 'decision|BTC/USD'))).toBe(1);

      const decide = await h.settled('decision', decisionJobId('BTC/USD', tick.tickId));
      expect(decide.state, decide.failedReason).toBe('completed');
      // The flow's TA run waited for the lease instead of overlapping: it finished after the lease ran out.
      const taChild = await h.settled('ta', `ta.BTC-USD.flow-${tick.tickId}`);
      expect(taChild.state).toBe('completed');
      expect(taChild.finishedOn!).toBeGreaterThanOrEqual(Number(tick.tickId) + 1_400);
      const job = await h.queue('ta').getJob(`ta.BTC-USD.flow-${tick.tickId}`);
      expect(job!.attemptsMade).toBe(1);
    },
    scaled(60_000),
  );

  it(
    'leaves sentiment out of new flows once the level is REDUCED',
    async () => {
      h = await createTaskHarness({
        clockMs: MARKET_MS,
        config: {
          agents: { sentiment: { enabled: true, models: [{ provider: 'deepseek', model: 'deepseek-chat' }] } },
        },
      });
      await h.startWorkers(allQueues);
      await loadHistory(h);

      const normal = await h.runTick('decision');
      const first = await h.settled('decision', decisionJobId('BTC/USD', normal.tickId));
      expect(first.state, first.failedReason).toBe('completed');
      expect(
        await h.queue('sentiment').getJob(`sentiment.BTC-USD.flow-${normal.tickId}`),
        'sentiment child at NORMAL',
      ).toBeDefined();

      for (let i = 0; i < h.config.degradation.failuresToRaise; i++) await h.degradation.recordFailure('test');
      expect(await h.degradation.level()).toBe('REDUCED');
      const reduced = await h.runTick('decision');
      const decide = await h.settled('decision', decisionJobId('BTC/USD', reduced.tickId));
      expect(decide.state, decide.failedReason).toBe('completed');
      expect(await h.queue('sentiment').getJob(`sentiment.BTC-USD.flow-${reduced.tickId}`)).toBeUndefined();
    },
    scaled(60_000),
  );
});
