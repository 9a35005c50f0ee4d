import { afterEach, describe, expect, it } from 'vitest';
import { orderReservations } from '../../src/db/schema/order-reservations.ts';
import type { TaskHarness } from '../support/task-harness.ts';
import { ADDS_ALLOWED, aRiskProposal, decideOne, startRiskWorker, type TestAccount } from '../support/risk-worker.ts';
import { scaled } from '../support/test-timing.ts';

/** Equity 10000, all of it free cash, no positions. */
const anAccount = (): TestAccount => ({ equityUsd: '10000', freeCashUsd: '10000', positions: [] });

describe('the risk worker sizes at the market price', () => {
  let h: TaskHarness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it(
    'approves an entry priced 0.4 % from the market at a quantity from the market price; denies 0.6 % and 60 % away (entry_deviation)',
    async () => {
      h = await startRiskWorker(anAccount(), { 'BTC/USD': '40000' }, ADDS_ALLOWED);
      // 5 % of 10000 = 500 at 40000 (not at 40160).
      expect(await decideOne(h, aRiskProposal('near', { entryPrice: '40160' }))).toMatchObject({
        decision: 'approved',
        quantity: '0.0125',
        notionalUsd: '500',
      });
      expect(await decideOne(h, aRiskProposal('off', { entryPrice: '40240' }))).toMatchObject({
        decision: 'denied',
        rules: ['entry_deviation'],
        quantity: null,
      });
      expect(await decideOne(h, aRiskProposal('far', { entryPrice: '16000', stopLoss: '15680' }))).toMatchObject({
        decision: 'denied',
        rules: ['entry_deviation', 'stop_loss_distance'],
      });
    },
    scaled(30_000),
  );

  it(
    'denies a risk job added by hand at entry "1" while the market trades at 2720: nothing is sized from "1"',
    async () => {
      h = await startRiskWorker(anAccount(), { 'ETH/USD': '2720' });
      const byHand = aRiskProposal('by-hand', { symbol: 'ETH/USD', entryPrice: '1', stopLoss: '0.98', sizePct: 10 });
      expect(await decideOne(h, byHand)).toMatchObject({
        decision: 'denied',
        executionJobId: null,
        quantity: null,
        notionalUsd: null,
        rules: expect.arrayContaining(['entry_deviation']),
      });
      // Nothing held, nothing to execute.
      expect(await h.database.db.select().from(orderReservations)).toEqual([]);
      expect(await h.queue('execution').getJobCounts()).toMatchObject({ waiting: 0, delayed: 0 });
      // The same order at the market's price: 1000 / 2720, not 1000 / 1 = 1000 ETH.
      const atMarket = aRiskProposal('at-market', {
        symbol: 'ETH/USD',
        entryPrice: '2720',
        stopLoss: '2665.6',
        sizePct: 10,
      });
      expect(await decideOne(h, atMarket)).toMatchObject({
        decision: 'approved',
        quantity: '0.36764705',
        notionalUsd: '1000',
      });
    },
    scaled(30_000),
  );

  it(
    'denies an XRP order below ordermin with its own reason (instrument_minimum), so it is never sent',
    async () => {
      h = await startRiskWorker(anAccount(), { 'XRP/USD': '2.5' });
      // 0.2 % of 10000 = 20 → 8 XRP, below Kraken's ordermin of 10 XRP.
      const small = aRiskProposal('small-xrp', {
        symbol: 'XRP/USD',
        entryPrice: '2.5',
        stopLoss: '2.45',
        sizePct: 0.2,
      });
      expect(await decideOne(h, small)).toMatchObject({
        decision: 'denied',
        rules: ['instrument_minimum'],
        executionJobId: null,
      });
      const enough = aRiskProposal('enough-xrp', {
        symbol: 'XRP/USD',
        entryPrice: '2.5',
        stopLoss: '2.45',
        sizePct: 0.25,
      });
      expect(await decideOne(h, enough)).toMatchObject({ decision: 'approved', quantity: '10' });
    },
    scaled(30_000),
  );
});
