import { describe, expect, it } from 'vitest';
import { fitLegToAccount, type LegAccount } from '../../src/portfolio/fit-leg-to-account.ts';
import type { RebalanceTrade } from '../../src/portfolio/rebalance-trade.ts';

const account = (overrides: Partial<LegAccount> = {}): LegAccount => ({
  balances: { USD: '1000', BTC: '0.3', XRP: '0' },
  prices: { BTC: '50000', XRP: '0.5' },
  hodlBags: {},
  cashAsset: 'USD',
  minTradeUsd: '10',
  ...overrides,
});
const sell = (symbol: string, quantity: string, notionalUsd: string): RebalanceTrade => ({
  symbol,
  side: 'sell',
  quantity,
  notionalUsd,
});
const buy = (symbol: string, quantity: string, notionalUsd: string): RebalanceTrade => ({
  symbol,
  side: 'buy',
  quantity,
  notionalUsd,
});

describe('fitLegToAccount', () => {
  it('keeps a planned sell that the account still holds, at the current price', () => {
    expect(fitLegToAccount('sell', [sell('BTC/USD', '0.1', '4000')], account())).toEqual({
      trades: [{ symbol: 'BTC/USD', side: 'sell', quantity: '0.1', notionalUsd: '5000', price: '50000' }],
      skipped: [],
    });
  });

  it('never sells into a hodl bag, even one set after the plan', () => {
    const fitted = fitLegToAccount('sell', [sell('BTC/USD', '0.1', '5000')], account({ hodlBags: { BTC: '0.25' } }));
    expect(fitted.trades).toEqual([
      { symbol: 'BTC/USD', side: 'sell', quantity: '0.05', notionalUsd: '2500', price: '50000' },
    ]);
    expect(fitLegToAccount('sell', [sell('BTC/USD', '0.1', '5000')], account({ hodlBags: { BTC: '0.3' } }))).toEqual({
      trades: [],
      skipped: [{ symbol: 'BTC/USD', reason: 'hodl_bag' }],
    });
    expect(
      fitLegToAccount('sell', [sell('BTC/USD', '0.1', '5000')], account({ hodlBags: { BTC: '1' } })).trades,
    ).toEqual([]);
  });

  it('skips what is left below the minimum trade, or has no price', () => {
    expect(
      fitLegToAccount('sell', [sell('BTC/USD', '0.1', '5000')], account({ hodlBags: { BTC: '0.2999' } })).skipped,
    ).toEqual([{ symbol: 'BTC/USD', reason: 'below_minimum' }]);
    expect(fitLegToAccount('sell', [sell('ETH/USD', '1', '3000')], account()).skipped).toEqual([
      { symbol: 'ETH/USD', reason: 'no_price' },
    ]);
  });

  it('keeps the planned notional of a buy, its quantity at the current price', () => {
    expect(
      fitLegToAccount('buy', [buy('XRP/USD', '1000', '500')], account({ prices: { XRP: '0.625', BTC: '50000' } }))
        .trades,
    ).toEqual([{ symbol: 'XRP/USD', side: 'buy', quantity: '800', notionalUsd: '500', price: '0.625' }]);
  });

  it('scales the buys down to the cash beyond its hodl bag, less the fee buffer', () => {
    // 1000 − 200 kept = 800, less 0.5 % = 796 for 1000 wanted: each at 79.6 %.
    const fitted = fitLegToAccount(
      'buy',
      [buy('BTC/USD', '0.01', '500'), buy('XRP/USD', '1000', '500')],
      account({ hodlBags: { USD: '200' } }),
    );
    expect(fitted.trades.map((t) => [t.symbol, t.quantity, t.notionalUsd])).toEqual([
      ['BTC/USD', '0.00796', '398'],
      ['XRP/USD', '796', '398'],
    ]);
    expect(fitLegToAccount('buy', [buy('XRP/USD', '1000', '500')], account({ hodlBags: { USD: '1000' } }))).toEqual({
      trades: [],
      skipped: [{ symbol: 'XRP/USD', reason: 'no_cash' }],
    });
  });
});
