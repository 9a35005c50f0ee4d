import { Decimal } from 'decimal.js';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { portfolioSnapshots } from '../../src/db/schema/portfolio-snapshots.ts';
import { positions } from '../../src/db/schema/positions.ts';
import { saveHodlBag } from '../../src/portfolio/hodl-bag-store.ts';
import { rebalanceIds } from '../../src/portfolio/rebalance-ids.ts';
import { RebalanceLegResult } from '../../src/portfolio/rebalance-leg-job.ts';
import { quietWindow, scaled } from '../support/test-timing.ts';
import { waitFor } from '../support/wait-for.ts';
import { feedBarsUntil, rebalanceFixture, type RebalanceFixture } from './rebalance-fixture.ts';

const PRICES = { 'BTC/USD': '50000', 'XRP/USD': '0.5' };
/** One batch, whatever the size. */
const ONE_BATCH = { dca: { aboveUsd: '1000000' } };

describe('the portfolio task rebalances through risk and execution', () => {
  let f: RebalanceFixture | undefined;
  afterEach(async () => {
    await f?.cleanup();
    f = undefined;
  });

  async function legResult(
    rebalanceId: string,
    batchIndex: number,
    leg: 'sells' | 'buys',
  ): Promise<RebalanceLegResult> {
    const done = await f!.h.settled('portfolio', rebalanceIds.batchJob(rebalanceId, batchIndex, leg), 1_000);
    expect(done.state, done.failedReason).toBe('completed');
    return RebalanceLegResult.parse(done.returnvalue);
  }

  it(
    'places and fills the sells before it places any buy, and stores and publishes the valuation',
    async () => {
      f = await rebalanceFixture({ portfolio: ONE_BATCH }, PRICES);
      // 0.2 BTC (10 000 USD, 71 % of equity) and 4 000 USD: BTC is far above its third.
      await f.seedBalances({ USD: '4000', BTC: '0.2' });
      await f.nextBar();
      await f.startWorkers();
      const valuedAt = new Date(f.h.clock.now());

      const result = await f.tick();
      expect(result).toMatchObject({ equityUsd: '14000', rebalance: 'planned', batches: 1, sells: 1, buys: 1 });
      const rebalanceId = result.rebalanceId!;

      // The valuation of the tick: stored as the snapshot of its hour, then published on portfolio_updates.
      const stored = await f.h.database.db.select().from(portfolioSnapshots).where(eq(portfolioSnapshots.at, valuedAt));
      expect(stored).toHaveLength(1);
      // The BTC is the core allocation, not a trade: no position, no exposure.
      expect(stored[0]).toMatchObject({
        account: 'paper',
        equityUsd: '14000',
        cashUsd: '4000',
        exposureUsd: '0',
        unrealizedPnlUsd: '0',
        realizedPnlUsd: '0',
      });
      const published = (await f.h.t.redis.xrange(f.h.t.keys.busStream('portfolio_updates'), '-', '+')).map(
        ([, fields]) => fieldsOf(fields),
      );
      expect(published.map((m) => m.type)).toEqual(['portfolio.valued']);
      expect(published[0]).toMatchObject({ source: 'portfolio', correlation_id: rebalanceId });
      expect(JSON.parse(published[0]!.payload!)).toEqual({
        equityUsd: '14000',
        cashUsd: '4000',
        exposureUsd: '0',
        realizedPnlUsd: '0',
        unrealizedPnlUsd: '0',
      });

      // The sell reaches the exchange; the buy waits for it to fill.
      await waitFor(() => f!.events.some((e) => e.kind === 'placed' && e.side === 'sell'), 'the sell to be placed');
      // Quiet window: the claim is that no buy is placed while the sell is open.
      await quietWindow(1_000);
      expect(f.events.filter((e) => e.side === 'buy')).toEqual([]);
      const queue = f.h.queue('portfolio');
      expect(await queue.getJobState(rebalanceIds.batchJob(rebalanceId, 0, 'buys'))).toBe('waiting-children');

      await feedBarsUntil(
        f,
        async () => (await queue.getJobState(rebalanceIds.batchJob(rebalanceId, 0, 'buys'))) === 'completed',
        'the buys to settle',
      );
      expect(f.events.map((e) => `${e.kind} ${e.side} ${e.symbol}`)).toEqual([
        'placed sell BTC/USD',
        'filled sell BTC/USD',
        'placed buy XRP/USD',
        'filled buy XRP/USD',
      ]);
      const [sell, buy] = (await f.rebalanceOrders()).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      expect(sell).toMatchObject({
        side: 'sell',
        status: 'filled',
        intent: 'exit',
        purpose: 'rebalance',
        proposalId: rebalanceIds.proposal(rebalanceId, 0, 'BTC/USD', 'sell'),
      });
      expect(buy).toMatchObject({
        side: 'buy',
        status: 'filled',
        intent: 'entry',
        purpose: 'rebalance',
        proposalId: rebalanceIds.proposal(rebalanceId, 0, 'XRP/USD', 'buy'),
      });
      expect(buy!.createdAt.getTime()).toBeGreaterThan(sell!.createdAt.getTime());
      expect((await legResult(rebalanceId, 0, 'sells')).trades).toEqual([
        { proposalId: sell!.proposalId, symbol: 'BTC/USD', outcome: 'filled', filledQuantity: sell!.filledQuantity },
      ]);
      expect((await legResult(rebalanceId, 0, 'buys')).trades).toEqual([
        { proposalId: buy!.proposalId, symbol: 'XRP/USD', outcome: 'filled', filledQuantity: buy!.filledQuantity },
      ]);

      // Back near a third each.
      const balances = await f.balances();
      const btcPct = new Decimal(balances.BTC!).times(50000).div(14000).times(100).toNumber();
      const xrpPct = new Decimal(balances.XRP!).times(0.5).div(14000).times(100).toNumber();
      expect(btcPct).toBeCloseTo(33.33, 0);
      expect(xrpPct).toBeGreaterThan(32);
      expect(xrpPct).toBeLessThan(33.4);

      // Balanced now: the next tick values the account and plans nothing.
      expect(await f.tick()).toMatchObject({ rebalance: 'not_needed', rebalanceId: null, batches: 0 });
    },
    scaled(60_000),
  );

  it(
    "neither sells nor undoes the strategy's open trade: the rebalance works on the core allocation",
    async () => {
      f = await rebalanceFixture({ portfolio: ONE_BATCH }, PRICES);
      // All the BTC is an open trade of the strategy (10 000 USD); 4 000 USD of cash.
      await f.seedBalances({ USD: '4000', BTC: '0.2' });
      await f.seedLong('BTC/USD', '0.2', '50000');
      await f.nextBar();
      await f.startWorkers();

      // Plans with 14 000 USD (the cash and the trade's value), holding no BTC or XRP of its own: it buys both, sells nothing.
      const result = await f.tick();
      expect(result).toMatchObject({ equityUsd: '14000', rebalance: 'planned', sells: 0, buys: 2 });
      await feedBarsUntil(
        f,
        async () =>
          (await f!.h.queue('portfolio').getJobState(rebalanceIds.batchJob(result.rebalanceId!, 0, 'buys'))) ===
          'completed',
        'the buys to settle',
      );
      expect(f.events.filter((e) => e.side === 'sell')).toEqual([]);
      // Bought with the cash there was, on top of the trade's 0.2 BTC; the trade's position is as it was.
      const btc = new Decimal((await f.balances()).BTC!);
      expect(btc.gt('0.2')).toBe(true);
      const open = await f.h.database.db.select().from(positions);
      expect(open.map((p) => [p.symbol, p.status, p.quantity])).toEqual([['BTC/USD', 'open', '0.2']]);
    },
    scaled(60_000),
  );

  it(
    'buys nothing in a batch whose sells did not settle in time',
    async () => {
      // An hour of market time to settle.
      f = await rebalanceFixture({ portfolio: ONE_BATCH }, PRICES, { settleTimeoutMs: 3_600_000 });
      await f.seedBalances({ USD: '4000', BTC: '0.2' });
      await f.nextBar();
      await f.startWorkers();

      const { rebalanceId } = await f.tick();
      await waitFor(() => f!.events.some((e) => e.kind === 'placed' && e.side === 'sell'), 'the sell to be placed');
      const sellsId = rebalanceIds.batchJob(rebalanceId!, 0, 'sells');
      // Wall time alone does not time it out: the timeout is market time. (Between its polls the
      // job is delayed; a look that lands on a poll sees it active: either way it is still going.)
      // Quiet window: the claim is that wall time passing does not end the job.
      await quietWindow(1_000);
      expect(['delayed', 'active', 'waiting']).toContain(await f.h.queue('portfolio').getJobState(sellsId));
      // The market moves on an hour and no bar comes: the sell stays open.
      f.h.clock.advance(3_600_000);
      const sells = await f.h.settled('portfolio', sellsId, 10_000);
      expect(sells.state).toBe('failed');
      expect(sells.failedReason).toContain('not settled within 3600000 ms');
      expect((await f.h.settled('portfolio', rebalanceIds.batchJob(rebalanceId!, 0, 'buys'), 5_000)).state).toBe(
        'failed',
      );
      expect((await f.rebalanceOrders()).map((o) => `${o.side} ${o.status}`)).toEqual(['sell open']);
      expect(f.events.filter((e) => e.side === 'buy')).toEqual([]);
    },
    scaled(60_000),
  );

  it(
    'never sells a hodl bag: an asset above its target but held entirely in its bag is not sold',
    async () => {
      f = await rebalanceFixture({ portfolio: { ...ONE_BATCH, hodlBags: { BTC: '0.2' } } }, PRICES);
      await f.seedBalances({ USD: '4000', BTC: '0.2' });
      await f.nextBar();
      await f.startWorkers();

      const result = await f.tick();
      // BTC is 71 % of equity, yet nothing of it may be sold: the rest is rebalanced around it.
      expect(result).toMatchObject({ rebalance: 'planned', sells: 0, buys: 1 });
      await feedBarsUntil(
        f,
        async () =>
          (await f!.h.queue('portfolio').getJobState(rebalanceIds.batchJob(result.rebalanceId!, 0, 'buys'))) ===
          'completed',
        'the buys to settle',
      );

      expect(f.events.filter((e) => e.side === 'sell')).toEqual([]);
      expect((await f.rebalanceOrders()).map((o) => `${o.side} ${o.symbol}`)).toEqual(['buy XRP/USD']);
      expect((await f.balances()).BTC).toBe('0.2');
    },
    scaled(60_000),
  );

  it(
    'sells only what exceeds the hodl bag, the larger of the table and the config bag',
    async () => {
      f = await rebalanceFixture({ portfolio: { ...ONE_BATCH, hodlBags: { BTC: '0.2' } } }, PRICES);
      await saveHodlBag(f.h.database.db, { asset: 'BTC', quantity: '0.25', note: 'cold storage' }, f.h.clock.now());
      // 0.3 BTC (15 000 USD of 19 000): its third would be 0.127 BTC, but 0.25 of it is kept.
      await f.seedBalances({ USD: '4000', BTC: '0.3' });
      await f.nextBar();
      await f.startWorkers();

      const result = await f.tick();
      expect(result).toMatchObject({ rebalance: 'planned', sells: 1, buys: 1 });
      await feedBarsUntil(
        f,
        async () =>
          (await f!.h.queue('portfolio').getJobState(rebalanceIds.batchJob(result.rebalanceId!, 0, 'buys'))) ===
          'completed',
        'the buys to settle',
      );

      // 0.05 BTC is free; the risk engine's sizing (a share of equity, cut towards zero) may land a satoshi below it, never above.
      const sells = (await f.rebalanceOrders()).filter((o) => o.side === 'sell');
      expect(sells.map((o) => [o.symbol, o.status])).toEqual([['BTC/USD', 'filled']]);
      expect(new Decimal(sells[0]!.quantity).toNumber()).toBeLessThanOrEqual(0.05);
      expect(new Decimal(sells[0]!.quantity).toNumber()).toBeGreaterThanOrEqual(0.04999999);
      const btc = new Decimal((await f.balances()).BTC!);
      expect(btc.gte('0.25') && btc.lte('0.25000001')).toBe(true);
    },
    scaled(60_000),
  );

  it(
    'splits a large rebalance into delayed batches that survive a worker restart and then run',
    async () => {
      // An hour of market time between batches: a second of BullMQ delay at the replay's speed 3600.
      f = await rebalanceFixture(
        { portfolio: { dca: { aboveUsd: '1000', batches: 3, intervalMs: 3_600_000 } } },
        PRICES,
      );
      expect(f.h.config.marketData.replay.speed).toBe(3_600);
      await f.nextBar();
      const first = await f.startWorkers();

      // 10 000 USD of starting cash, nothing else: two buys of a third each, in three batches.
      const result = await f.tick();
      expect(result).toMatchObject({ equityUsd: '10000', rebalance: 'planned', batches: 3, sells: 0, buys: 2 });
      const id = result.rebalanceId!;
      const queue = f.h.queue('portfolio');
      for (const index of [1, 2]) {
        expect(await queue.getJobState(rebalanceIds.batchJob(id, index, 'sells'))).toBe('delayed');
        expect(await queue.getJobState(rebalanceIds.batchJob(id, index, 'buys'))).toBe('waiting-children');
      }
      // While its batches are to run, a new tick plans nothing.
      expect(await f.tick()).toMatchObject({ rebalance: 'in_progress', rebalanceId: id, batches: 0 });

      // Batch 0 reaches the exchange; then the process stops.
      await waitFor(() => f!.events.filter((e) => e.kind === 'placed').length === 2, 'batch 0 to be placed');
      await first.close(1_000);
      const stoppedAtMs = Date.now();
      // Quiet window: the claim is that a stopped process places nothing more.
      await quietWindow(500);
      expect(f.events.filter((e) => e.kind === 'placed')).toHaveLength(2);
      // The later batches are still waiting in Redis, delayed.
      for (const index of [1, 2])
        expect(await queue.getJobState(rebalanceIds.batchJob(id, index, 'sells'))).toBe('delayed');

      // A new process (same Redis, same database) runs them.
      await f.startWorkers();
      await feedBarsUntil(
        f,
        async () => {
          const states = await Promise.all(
            [0, 1, 2].map((i) => queue.getJobState(rebalanceIds.batchJob(id, i, 'buys'))),
          );
          return states.every((s) => s === 'completed');
        },
        'every batch to settle',
        scaled(45_000),
      );

      const orders = await f.rebalanceOrders();
      expect(orders).toHaveLength(6);
      expect(orders.every((o) => o.side === 'buy' && o.status === 'filled')).toBe(true);
      for (const index of [0, 1, 2]) {
        const buys = await legResult(id, index, 'buys');
        expect(buys.trades.map((t) => [t.symbol, t.outcome])).toEqual([
          ['BTC/USD', 'filled'],
          ['XRP/USD', 'filled'],
        ]);
      }
      // Each later batch waited its delay in BullMQ (wall time) and its hours of market time, and ran in the new process.
      const plannedAtMs = (await queue.getJob(rebalanceIds.batchJob(id, 0, 'sells')))!.data.proposedAtMs as number;
      for (const index of [1, 2]) {
        const job = await queue.getJob(rebalanceIds.batchJob(id, index, 'sells'));
        expect(job!.opts.delay).toBe(index * 1_000);
        expect(job!.data.notBeforeMs).toBe(plannedAtMs + index * 3_600_000);
        expect(job!.data.proposedAtMs).toBeGreaterThanOrEqual(job!.data.notBeforeMs);
        expect(job!.processedOn!).toBeGreaterThan(stoppedAtMs);
      }
      // Close to a third each, in the end.
      const balances = await f.balances();
      expect(new Decimal(balances.BTC!).times(50000).toNumber()).toBeGreaterThan(3_250);
      expect(new Decimal(balances.XRP!).times(0.5).toNumber()).toBeGreaterThan(3_250);
    },
    scaled(90_000),
  );

  it(
    'holds a later batch until the market clock reaches its time, however long BullMQ has delayed it',
    async () => {
      // An hour of market time between batches: one second of BullMQ delay at the replay's speed 3600.
      f = await rebalanceFixture(
        { portfolio: { dca: { aboveUsd: '1000', batches: 2, intervalMs: 3_600_000 } } },
        PRICES,
      );
      await f.nextBar();
      await f.startWorkers();
      const { rebalanceId } = await f.tick();
      await waitFor(() => f!.events.filter((e) => e.kind === 'placed').length === 2, 'batch 0 to be placed');

      // The wall-time delay has passed twice over; the market clock has not moved.
      await waitFor(
        async () =>
          ((await f!.h.queue('portfolio').getJob(rebalanceIds.batchJob(rebalanceId!, 1, 'sells')))?.attemptsStarted ??
            0) > 0,
        'batch 1 to look at the clock',
      );
      const batch1 = await f.h.queue('portfolio').getJob(rebalanceIds.batchJob(rebalanceId!, 1, 'sells'));
      expect(batch1!.attemptsStarted).toBeGreaterThan(0);
      // Waiting again between its looks at the clock (or looking right now).
      expect(['delayed', 'active']).toContain(await batch1!.getState());
      expect(batch1!.data.proposedAtMs).toBeUndefined();
      expect(f.events.filter((e) => e.kind === 'placed')).toHaveLength(2);

      // The next bar moves the market an hour on: batch 1 runs.
      await feedBarsUntil(
        f,
        async () =>
          (await f!.h.queue('portfolio').getJobState(rebalanceIds.batchJob(rebalanceId!, 1, 'buys'))) === 'completed',
        'batch 1 to settle',
      );
      expect((await f.rebalanceOrders()).filter((o) => o.status === 'filled')).toHaveLength(4);
    },
    scaled(60_000),
  );
});

function fieldsOf(flat: string[]): Record<string, string | undefined> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}
