import { Decimal } from 'decimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { coordinatorDecisions } from '../../src/db/schema/coordinator-decisions.ts';
import { riskDecisions } from '../../src/db/schema/risk-decisions.ts';
import { symbolSlug } from '../../src/market/symbol-slug.ts';
import { loadRecentCandles } from '../../src/market/candle-store.ts';
import { orders } from '../../src/db/schema/orders.ts';
import { PaperExchange } from '../../src/exchange/paper/paper-exchange.ts';
import { clientOrderIdOf } from '../../src/model/client-order-id.ts';
import { recordedSubmissions, recordingExchange } from '../support/recording-exchange.ts';
import { createTaskHarness, type TaskHarness } from '../support/task-harness.ts';
import { quietWindow, scaled } from '../support/test-timing.ts';
import { waitFor } from '../support/wait-for.ts';
import type { PayloadInput } from '../../src/bus/message-catalog.ts';

const MARKET_MS = Date.UTC(2022, 2, 1, 12, 1);

/** A BUY of BTC/USD at `price` with a 2 % stop, 10 % of equity, that every risk rule allows. */
function aBuySignal(
  signalId: string,
  price: string,
  overrides: Partial<PayloadInput<'decision.signal_emitted'>> = {},
): PayloadInput<'decision.signal_emitted'> {
  const p = new Decimal(price);
  return {
    signalId,
    action: 'BUY',
    confidence: 0.8,
    entryPrice: price,
    stopLoss: p.times(0.98).toFixed(2),
    takeProfit: p.times(1.04).toFixed(2),
    sizePct: 10,
    leverage: 1,
    votes: [{ model: 'rules', action: 'BUY', confidence: 0.8 }],
    abstentions: [],
    ...overrides,
  };
}

describe('from a trading signal to an order', () => {
  let h: TaskHarness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  async function pipeline(): Promise<{ h: TaskHarness; price: string; orders: string }> {
    const harness = await createTaskHarness({
      clockMs: MARKET_MS,
      config: { symbols: { pairs: ['BTC/USD'] }, portfolio: { targets: { BTC: 50, USD: 50 } } },
    });
    const orders = `${harness.t.prefix}:test:orders`;
    const paper = new PaperExchange({
      db: harness.database.db,
      config: { ...harness.config.execution.paper, cashAsset: 'USD' },
      clock: harness.clock,
      instruments: harness.deps.instruments,
    });
    await harness.startWorkers(['market-data', 'risk', 'execution'], {
      exchange: recordingExchange(paper, harness.t.redis, orders),
    });
    await harness.startCoordinator();
    const md = await harness.runTick('market-data');
    await harness.settled('market-data', `marketData.${symbolSlug('BTC/USD')}.${md.tickId}`);
    const [last] = await loadRecentCandles(harness.database.db, 'BTC/USD', '1h', 1);
    // The paper exchange learns the price from the bars it is shown.
    await paper.onPrice('BTC/USD', last!);
    return { h: harness, price: last!.close, orders };
  }

  it(
    'coordinates, approves and submits one order per signal, even when the signal is delivered twice',
    async () => {
      const p = await pipeline();
      h = p.h;
      const signal = aBuySignal('sig-test-1', p.price);
      await h.t.bus.publish('decision.signal_emitted', signal, {
        symbol: 'BTC/USD',
        source: 'decision',
        correlationId: 'corr-1',
      });
      // The same signal again (a redelivery, or a second publish after a crash).
      await h.t.bus.publish('decision.signal_emitted', signal, {
        symbol: 'BTC/USD',
        source: 'decision',
        correlationId: 'corr-1',
      });

      const submitted = await waitFor(async () => {
        const all = await recordedSubmissions(h!.t.redis, p.orders);
        return all.length === 1 ? all : undefined;
      }, 'the order to reach the exchange');
      const [order] = submitted;
      expect(order).toMatchObject({
        clientOrderId: clientOrderIdOf('prop-sig-test-1', 'entry'),
        symbol: 'BTC/USD',
        side: 'buy',
        type: 'market',
      });
      // 10 % of the 10 000 starting cash at 1x: notional 1000, quantity 1000 / price (8 dp, down).
      expect(order!.quantity).toBe(new Decimal(1000).div(p.price).toDecimalPlaces(8, Decimal.ROUND_DOWN).toFixed());

      // The tap sees the order before the exchange answers: wait for the answer to be recorded.
      const stored = await waitFor(
        async () => (await h!.database.db.select().from(orders)).find((o) => o.status === 'open'),
        'the order recorded open',
      );
      expect(stored).toMatchObject({
        clientOrderId: order!.clientOrderId,
        status: 'open',
        proposalId: 'prop-sig-test-1',
        exchange: 'paper',
        purpose: 'entry',
      });
      const [decision] = await h.database.db.select().from(coordinatorDecisions);
      expect(decision).toMatchObject({
        signalId: 'sig-test-1',
        outcome: 'proposed',
        proposalId: 'prop-sig-test-1',
        correlationId: 'corr-1',
        coordinatorState: 'RUNNING',
      });
      const approvals = await h.database.db.select().from(riskDecisions);
      expect(approvals).toHaveLength(1);
      expect(approvals[0]).toMatchObject({ decision: 'approved', proposalId: 'prop-sig-test-1', notionalUsd: '1000' });
      // Quiet window: the claim is that nothing more arrives later.
      await quietWindow(500);
      expect(await recordedSubmissions(h.t.redis, p.orders)).toHaveLength(1);
      expect(await h.database.db.select().from(coordinatorDecisions)).toHaveLength(1);
    },
    scaled(60_000),
  );

  it(
    'records a HOLD without routing it, and denies a proposal the rules refuse with every reason',
    async () => {
      const p = await pipeline();
      h = p.h;
      await h.t.bus.publish(
        'decision.signal_emitted',
        aBuySignal('sig-hold', p.price, {
          action: 'HOLD',
          entryPrice: null,
          stopLoss: null,
          takeProfit: null,
          sizePct: 0,
        }),
        { symbol: 'BTC/USD' },
      );
      // No stop loss and a low confidence: two reasons.
      await h.t.bus.publish(
        'decision.signal_emitted',
        aBuySignal('sig-bad', p.price, { stopLoss: null, confidence: 0.3 }),
        { symbol: 'BTC/USD' },
      );
      const denied = await waitFor(
        async () => (await h!.database.db.select().from(riskDecisions))[0],
        'the risk decision',
      );
      expect(denied.decision).toBe('denied');
      expect((denied.reasons as { rule: string }[]).map((r) => r.rule)).toEqual(
        expect.arrayContaining(['stop_loss_required', 'min_confidence']),
      );
      const decisions = await h.database.db.select().from(coordinatorDecisions);
      expect(decisions.find((d) => d.signalId === 'sig-hold')).toMatchObject({ outcome: 'hold', proposalId: null });
      const events = await h.t.redis.xrange(h.t.keys.busStream('risk_alerts'), '-', '+');
      expect(events.map(([, f]) => f[f.indexOf('type') + 1])).toEqual(['risk.order_denied']);
      expect(await recordedSubmissions(h.t.redis, p.orders)).toHaveLength(0);
    },
    scaled(60_000),
  );

  it(
    'while PAUSED, records entries as paused and submits nothing',
    async () => {
      const p = await pipeline();
      h = p.h;
      await h.control.apply('pause', { requestedBy: 'test' });
      await h.t.bus.publish('decision.signal_emitted', aBuySignal('sig-paused', p.price), { symbol: 'BTC/USD' });
      const decision = await waitFor(
        async () => (await h!.database.db.select().from(coordinatorDecisions))[0],
        'the coordinator decision',
      );
      expect(decision).toMatchObject({ outcome: 'paused', coordinatorState: 'PAUSED', proposalId: null });
      expect(await h.database.db.select().from(riskDecisions)).toHaveLength(0);
    },
    scaled(60_000),
  );
});
