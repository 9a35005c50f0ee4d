import { describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import type { Balances } from '../../src/exchange/exchange-port.ts';
import { saveCandles } from '../../src/market/candle-store.ts';
import type { NewOrderInput } from '../../src/orders/new-order.ts';
import { applyOrderEvent, createOrder } from '../../src/orders/order-store.ts';
import { exchangePortfolio } from '../../src/portfolio/exchange-portfolio.ts';
import { reserveForApproval } from '../../src/reservations/reserve-for-approval.ts';
import type { TestDatabase } from '../support/test-database.ts';

const T0 = Date.UTC(2024, 2, 1);

describe('exchangePortfolio: the account as the risk engine reads it', () => {
  let database: TestDatabase;
  const balances: Balances = { USD: '10000', BTC: '0.1' };
  let balanceCalls = 0;
  // The exchange, as far as reading the account needs it: its balances.
  const exchange = {
    balances: async () => {
      balanceCalls++;
      await new Promise((r) => setTimeout(r, 5));
      return balances;
    },
  };
  const reader = () =>
    exchangePortfolio({ db: database.db, exchange, account: 'paper', cashAsset: 'USD', timeframe: '1h' });
  const order = (id: string, o: Partial<NewOrderInput> = {}) =>
    createOrder(database.db, {
      clientOrderId: id,
      decisionId: `appr-${id}`,
      proposalId: null,
      correlationId: id,
      symbol: 'BTC/USD',
      side: 'buy',
      type: 'market',
      intent: 'entry',
      purpose: 'entry',
      quantity: '0.02',
      exchange: 'paper',
      ...o,
    });

  it.beforeEach(async ({ database: fromFixture }) => {
    database = fromFixture;
    await saveCandles(
      database.db,
      [
        {
          symbol: 'BTC/USD',
          timeframe: '1h',
          openTimeMs: T0,
          open: '50000',
          high: '50000',
          low: '50000',
          close: '50000',
          volume: '10',
          trades: 1,
          gapFilled: false,
        },
      ],
      'replay',
    );
  });

  it('values every balance at the latest close', async () => {
    expect(await reader().equityUsd()).toBe('15000');
  });

  it('takes from the free cash what the open spot buys still need: a market buy at the latest close, a limit buy at its limit', async () => {
    expect(await reader().freeCashUsd()).toBe('10000');
    await order('mkt-buy');
    await order('lmt-buy', { type: 'limit', limitPrice: '45000', quantity: '0.01' });
    // 10000 − 0.02 × 50000 − 0.01 × 45000
    expect(await reader().freeCashUsd()).toBe('8550');
  });

  it('leaves out sells, margin buys and ended orders', async () => {
    await order('sell', { side: 'sell', intent: 'exit', purpose: 'exit' });
    await order('margin-buy', { leverage: 3 });
    await order('canceled-buy');
    await applyOrderEvent(database.db, 'canceled-buy', { kind: 'canceled' });
    expect(await reader().freeCashUsd()).toBe('10000');
  });

  it('leaves out an open buy whose approval holds cash for it: the risk worker takes the reservation off itself, never twice', async () => {
    await reserveForApproval(database.db, {
      decisionId: 'appr-reserved-buy',
      clientOrderId: 'reserved-buy',
      account: 'paper',
      symbol: 'BTC/USD',
      kind: 'cash',
      amount: '1010.10101011',
      positionId: null,
    });
    await order('reserved-buy');
    await order('unreserved-buy', { quantity: '0.01' });
    // Only the buy without a reservation: 10000 − 0.01 × 50000.
    expect(await reader().freeCashUsd()).toBe('9500');
    // Once its order is done, the reservation is released and the order is no longer open either.
    await applyOrderEvent(database.db, 'reserved-buy', { kind: 'canceled' });
    expect(await reader().freeCashUsd()).toBe('9500');
  });

  it('asks the exchange once for reads at the same moment, afresh for a later one', async () => {
    const account = reader();
    balanceCalls = 0;
    expect(await Promise.all([account.equityUsd(), account.freeCashUsd()])).toEqual(['15000', '10000']);
    expect(balanceCalls).toBe(1);
    await account.equityUsd();
    expect(balanceCalls).toBe(2);
  });
});
