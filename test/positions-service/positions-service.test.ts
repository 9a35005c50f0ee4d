import { asc, eq, inArray } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { fills } from '../../src/db/schema/fills.ts';
import { orderEvents } from '../../src/db/schema/order-events.ts';
import { orders } from '../../src/db/schema/orders.ts';
import { positionFills } from '../../src/db/schema/position-fills.ts';
import { riskDecisions } from '../../src/db/schema/risk-decisions.ts';
import { PaperExchange } from '../../src/exchange/paper/paper-exchange.ts';
import { placeOrderOnce } from '../../src/execution/place-order-once.ts';
import { saveCandles } from '../../src/market/candle-store.ts';
import type { Candle } from '../../src/model/candle.ts';
import { clientOrderIdOf } from '../../src/model/client-order-id.ts';
import { loadOpenPositions } from '../../src/positions/position-store.ts';
import { onClosedBar, type PositionsDeps } from '../../src/positions-service/positions-service.ts';
import { OrderProposal } from '../../src/risk/order-proposal.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { createTaskHarness, type TaskHarness } from '../support/task-harness.ts';
import { scaled } from '../support/test-timing.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 10, 10);

function aBar(i: number, p: { open: string; high: string; low: string; close: string }): Candle {
  return {
    symbol: 'BTC/USD',
    timeframe: '1h',
    openTimeMs: T0 + i * HOUR,
    volume: '1000',
    trades: 100,
    gapFilled: false,
    ...p,
  };
}
const flat = (i: number, price: string) => aBar(i, { open: price, high: price, low: price, close: price });

describe('the positions service on each closed bar', () => {
  let h: TaskHarness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  /** An approved 0.01 BTC entry at 40 000 with a stop at 39 000 and a take profit at 42 000, sent to the paper exchange. */
  async function withEntry(
    config: Record<string, unknown> = {},
  ): Promise<{ h: TaskHarness; deps: PositionsDeps; bar: (c: Candle) => Promise<void> }> {
    const harness = await createTaskHarness({ clockMs: T0 + HOUR, config });
    const paper = new PaperExchange({
      db: harness.database.db,
      config: { ...harness.config.execution.paper, cashAsset: 'USD' },
      clock: harness.clock,
      instruments: harness.deps.instruments,
    });
    const deps: PositionsDeps = {
      config: harness.config,
      db: harness.database.db,
      bus: harness.t.bus,
      redis: harness.t.redis,
      keys: harness.t.keys,
      clock: harness.clock,
      logger: silentLogger,
      exchange: paper,
      instruments: harness.deps.instruments,
    };
    const bar = async (c: Candle) => {
      harness.clock.set(c.openTimeMs + HOUR);
      await saveCandles(harness.database.db, [c], 'replay');
      await onClosedBar(deps, c);
    };
    await bar(flat(0, '40000'));
    const proposal = OrderProposal.parse({
      proposalId: 'prop-tp',
      signalId: 'tp',
      correlationId: 'tp',
      symbol: 'BTC/USD',
      side: 'buy',
      intent: 'entry',
      entryPrice: '40000',
      stopLoss: '39000',
      takeProfit: '42000',
      sizePct: 4,
      leverage: 1,
      confidence: 0.9,
      regime: null,
      createdAtMs: T0 + HOUR,
    });
    await harness.database.db.insert(riskDecisions).values({
      decisionId: 'appr-prop-tp',
      proposalId: 'prop-tp',
      signalId: 'tp',
      correlationId: 'tp',
      symbol: 'BTC/USD',
      decision: 'approved',
      proposal,
      notionalUsd: '400',
      quantity: '0.01',
      adjustments: [],
      reasons: [],
      riskState: {},
    });
    await placeOrderOnce(
      deps,
      paper,
      {
        clientOrderId: clientOrderIdOf('prop-tp', 'entry'),
        decisionId: 'appr-prop-tp',
        proposalId: 'prop-tp',
        correlationId: 'tp',
        symbol: 'BTC/USD',
        side: 'buy',
        type: 'market',
        intent: 'entry',
        purpose: 'entry',
        quantity: '0.01',
      },
      { fenceIntent: 'entry', ttlMs: 5_000 },
    );
    h = harness;
    return { h: harness, deps, bar };
  }

  it(
    'fills the entry on the next bar and rests its stop loss on the exchange',
    async () => {
      const { h, bar } = await withEntry();
      await bar(flat(1, '40100'));
      const [position] = await loadOpenPositions(h.database.db, 'paper');
      expect(position).toMatchObject({
        symbol: 'BTC/USD',
        side: 'long',
        quantity: '0.01',
        protection: { stopLoss: '39000', takeProfit: '42000', trailing: null },
      });
      const stops = await h.database.db.select().from(orders).where(eq(orders.purpose, 'stop_loss'));
      expect(stops).toEqual([
        expect.objectContaining({
          status: 'open',
          type: 'stop-loss',
          triggerPrice: '39000',
          quantity: '0.01',
          side: 'sell',
          reduceOnly: true,
        }),
      ]);
    },
    scaled(30_000),
  );

  it(
    "takes a rebalance's fill into no position: the trade's position and its stop stay as they were",
    async () => {
      const { h, deps, bar } = await withEntry();
      await bar(flat(1, '40100'));
      await placeOrderOnce(
        deps,
        deps.exchange,
        {
          clientOrderId: clientOrderIdOf('rebal-1.b0.BTC-USD.buy', 'rebalance'),
          decisionId: 'appr-rebal',
          proposalId: 'rebal-1.b0.BTC-USD.buy',
          correlationId: 'rebal-1',
          symbol: 'BTC/USD',
          side: 'buy',
          type: 'market',
          intent: 'entry',
          purpose: 'rebalance',
          quantity: '0.02',
        },
        { fenceIntent: 'entry', ttlMs: 5_000 },
      );
      await bar(flat(2, '40200'));
      await bar(flat(3, '40300'));

      const [rebalance] = await h.database.db.select().from(orders).where(eq(orders.purpose, 'rebalance'));
      expect(rebalance).toMatchObject({ status: 'filled', filledQuantity: '0.02' });
      const [rebalanceFill] = await h.database.db
        .select()
        .from(fills)
        .where(eq(fills.clientOrderId, rebalance!.clientOrderId));
      // Seen once, by no position.
      expect(
        await h.database.db.select().from(positionFills).where(eq(positionFills.fillId, rebalanceFill!.fillId)),
      ).toEqual([expect.objectContaining({ positionId: null, realizedPnlUsd: '0' })]);
      expect(await loadOpenPositions(h.database.db, 'paper')).toEqual([
        expect.objectContaining({ symbol: 'BTC/USD', side: 'long', quantity: '0.01' }),
      ]);
      const stops = await h.database.db.select().from(orders).where(eq(orders.purpose, 'stop_loss'));
      expect(stops.map((o) => [o.status, o.quantity])).toEqual([['open', '0.01']]);
    },
    scaled(30_000),
  );

  it(
    'on take profit cancels the stop first, then closes the position',
    async () => {
      const { h, bar } = await withEntry();
      await bar(flat(1, '40100'));
      await bar(aBar(2, { open: '41000', high: '42500', low: '40900', close: '42200' }));
      const events = await h.database.db.select().from(orderEvents).orderBy(asc(orderEvents.id));
      const [stop] = await h.database.db.select().from(orders).where(eq(orders.purpose, 'stop_loss'));
      const [takeProfit] = await h.database.db.select().from(orders).where(eq(orders.purpose, 'take_profit'));
      expect(stop!.status).toBe('canceled');
      const canceledAt = events.findIndex((e) => e.clientOrderId === stop!.clientOrderId && e.kind === 'canceled');
      const closeCreatedAt = events.findIndex(
        (e) => e.clientOrderId === takeProfit!.clientOrderId && e.kind === 'created',
      );
      expect(canceledAt).toBeGreaterThanOrEqual(0);
      expect(closeCreatedAt).toBeGreaterThan(canceledAt);
      // The close fills on the next price; the position is gone.
      await bar(flat(3, '42300'));
      expect(await loadOpenPositions(h.database.db, 'paper')).toEqual([]);
    },
    scaled(30_000),
  );

  it(
    'takes a bar from before the position opened, delivered late, as no news of it: no exit on a level that bar crossed',
    async () => {
      const { h, deps, bar } = await withEntry();
      await bar(flat(1, '40100'));
      const [stop] = await h.database.db.select().from(orders).where(eq(orders.purpose, 'stop_loss'));
      expect(stop!.status).toBe('open');
      // A backlog of older bars reaches the service after the entry: one crossed the stop's
      // level and the take profit long before this position existed.
      await onClosedBar(deps, aBar(-3, { open: '38000', high: '43000', low: '37000', close: '40000' }));
      expect(
        await h.database.db
          .select()
          .from(orders)
          .where(inArray(orders.purpose, ['exit', 'take_profit'])),
      ).toEqual([]);
      expect(await loadOpenPositions(h.database.db, 'paper')).toEqual([
        expect.objectContaining({ symbol: 'BTC/USD', quantity: '0.01' }),
      ]);
    },
    scaled(30_000),
  );

  it(
    'exits on a gap down through the stop at the gap price, not the stop',
    async () => {
      const { h, bar } = await withEntry();
      await bar(flat(1, '40000'));
      await bar(aBar(2, { open: '38000', high: '38100', low: '37900', close: '38000' }));
      const [stop] = await h.database.db.select().from(orders).where(eq(orders.purpose, 'stop_loss'));
      expect(stop!.status).toBe('filled');
      // Sold at the gap open (less slippage), below the 39 000 stop.
      expect(Number(stop!.avgFillPrice)).toBeLessThan(38_001);
      expect(await loadOpenPositions(h.database.db, 'paper')).toEqual([]);
    },
    scaled(30_000),
  );

  it(
    'ratchets a trailing stop up with the price and exits when it is crossed',
    async () => {
      const { h, bar } = await withEntry({ execution: { trailingStopPct: 2 } });
      await bar(flat(1, '40000'));
      await bar(aBar(2, { open: '40000', high: '41000', low: '40000', close: '41000' }));
      const [ratcheted] = await loadOpenPositions(h.database.db, 'paper');
      expect(ratcheted!.protection.trailing).toMatchObject({ highWaterPrice: '41000', stopPrice: '40180' });
      // A bar that falls back does not loosen it.
      await bar(aBar(3, { open: '40900', high: '40900', low: '40500', close: '40600' }));
      expect((await loadOpenPositions(h.database.db, 'paper'))[0]!.protection.trailing).toMatchObject({
        stopPrice: '40180',
      });
      // Crossing it exits (after canceling the resting stop loss).
      await bar(aBar(4, { open: '40400', high: '40400', low: '40100', close: '40150' }));
      await bar(flat(5, '40150'));
      expect(await loadOpenPositions(h.database.db, 'paper')).toEqual([]);
    },
    scaled(30_000),
  );
});
