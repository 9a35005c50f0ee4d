import { describe, expect } from 'vitest';
import { TaIndicators } from '../../src/agents/ta/contract/ta-signal-emitted.ts';
import { saveCandles } from '../../src/market/candle-store.ts';
import { applyOrderEvent, createOrder } from '../../src/orders/order-store.ts';
import { loadStrategyFacts } from '../../src/strategies/load-strategy-facts.ts';
import { aNewOrder, anExchangeOrderId } from '../orders/order-builders.ts';
import { aCandle, aTaSignal } from '../support/builders.ts';
import { it } from '../support/fixtures.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

describe('a strategy’s facts', () => {
  it('hold the bars up to the bar decided, no position while the entry waits for its fill, and the pair’s orders not yet final', async ({
    database,
  }) => {
    const { db } = database;
    await saveCandles(
      db,
      [0, 1, 2, 3].map((h) => ({ ...aCandle({ timeframe: '1h', openTimeMs: T0 + h * HOUR }), symbol: 'BTC/USD' })),
      'replay',
    );
    // An entry accepted and waiting for its fill; a stop of another pair; an entry rejected.
    const { order: entry } = await createOrder(db, aNewOrder({ exchange: 'paper', quantity: '0.25' }));
    await applyOrderEvent(db, entry.clientOrderId, { kind: 'submit_started' });
    await applyOrderEvent(db, entry.clientOrderId, { kind: 'accepted', exchangeOrderId: anExchangeOrderId() });
    await createOrder(
      db,
      aNewOrder({ exchange: 'paper', symbol: 'ETH/USD', purpose: 'stop_loss', intent: 'protective' }),
    );
    const { order: refused } = await createOrder(db, aNewOrder({ exchange: 'paper', quantity: '9' }));
    await applyOrderEvent(db, refused.clientOrderId, { kind: 'submit_started' });
    await applyOrderEvent(db, refused.clientOrderId, { kind: 'rejected', reason: 'insufficient funds' });

    const facts = await loadStrategyFacts(db, {
      account: 'paper',
      cashAsset: 'USD',
      symbol: 'BTC/USD',
      timeframe: '1h',
      lookback: 10,
      barOpenTimeMs: T0 + 2 * HOUR,
      indicators: TaIndicators.parse(aTaSignal().indicators),
    });

    expect(facts.bars.map((b) => b.openTimeMs)).toEqual([T0, T0 + HOUR, T0 + 2 * HOUR]);
    expect(facts.position).toBeNull();
    expect(facts.orders).toEqual([
      {
        side: 'buy',
        purpose: 'entry',
        status: 'open',
        quantity: '0.25',
        filledQuantity: '0',
        triggerPrice: null,
        limitPrice: null,
      },
    ]);
    expect(facts.account).toBeNull();
  });
});
