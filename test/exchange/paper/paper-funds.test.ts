import { describe, expect, it } from 'vitest';
import { Decimal as D } from '../../../src/model/decimal.ts';
import {
  availableBalances,
  fundableQuantity,
  fundsNeeded,
  hasFundsFor,
  settleFill,
  type FundsOrder,
} from '../../../src/exchange/paper/paper-funds.ts';

const settings = { cashAsset: 'USD', makerFeePct: 0.25, takerFeePct: 0.4 };

function anOrder(overrides: Partial<FundsOrder> = {}): FundsOrder {
  return {
    symbol: 'BTC/USD',
    side: 'buy',
    type: 'limit',
    remainingQuantity: '0.1',
    holdPrice: '20000',
    leverage: 1,
    reduceOnly: false,
    ...overrides,
  };
}

const asStrings = (m: Map<string, D>) => Object.fromEntries([...m].map(([k, v]) => [k, v.toFixed()]));

describe('paper funds', () => {
  it('needs quote cash incl. the fee for a spot buy (maker fee for a limit, taker otherwise)', () => {
    expect(fundsNeeded(anOrder(), settings)).toEqual({ asset: 'USD', amount: new D('2005') });
    expect(fundsNeeded(anOrder({ type: 'market', holdPrice: '20010' }), settings)).toEqual({
      asset: 'USD',
      amount: new D('2009.004'),
    });
  });

  it('needs the base asset for a spot sell', () => {
    expect(fundsNeeded(anOrder({ side: 'sell', holdPrice: null }), settings)).toEqual({
      asset: 'BTC',
      amount: new D('0.1'),
    });
  });

  it('needs notional / leverage plus the fee in cash on margin, for a buy and a sell', () => {
    expect(fundsNeeded(anOrder({ leverage: 2 }), settings)).toEqual({ asset: 'USD', amount: new D('1005') });
    expect(fundsNeeded(anOrder({ leverage: 4, side: 'sell', type: 'stop-loss' }), settings)).toEqual({
      asset: 'USD',
      amount: new D('508'),
    });
    expect(fundsNeeded(anOrder({ leverage: 2, reduceOnly: true }), settings)).toBeNull();
  });

  it('subtracts what open orders hold from the totals', () => {
    const open = [anOrder(), anOrder({ side: 'sell', remainingQuantity: '0.04' })];
    expect(asStrings(availableBalances({ USD: '10000', BTC: '0.05' }, open, settings))).toEqual({
      USD: '7995',
      BTC: '0.01',
    });
  });

  it('holds the base asset for a reduce-only spot sell like for any spot sell, nothing for a reduce-only margin order', () => {
    const stop = anOrder({
      side: 'sell',
      type: 'stop-loss',
      holdPrice: '19000',
      remainingQuantity: '0.04',
      reduceOnly: true,
    });
    const marginClose = anOrder({ side: 'buy', type: 'stop-loss', holdPrice: '21000', leverage: 2, reduceOnly: true });
    expect(asStrings(availableBalances({ USD: '10000', BTC: '0.05' }, [stop, marginClose], settings))).toEqual({
      USD: '10000',
      BTC: '0.01',
    });
    expect(
      hasFundsFor(
        { ...stop, remainingQuantity: '0.05' },
        availableBalances({ USD: '10000', BTC: '0.05' }, [stop], settings),
        settings,
      ),
    ).toBe(false);
  });

  it('refuses an order that needs more than is available', () => {
    const available = new Map([['USD', new D('2005')]]);
    expect(hasFundsFor(anOrder(), available, settings)).toBe(true);
    expect(hasFundsFor(anOrder({ remainingQuantity: '0.10000001' }), available, settings)).toBe(false);
    expect(hasFundsFor(anOrder({ side: 'sell', holdPrice: null }), available, settings)).toBe(false);
  });

  it('caps a spot fill at what the account can pay for, in whole lots', () => {
    const available = new Map([
      ['USD', new D('1000')],
      ['BTC', new D('0.03')],
    ]);
    expect(fundableQuantity(anOrder({ type: 'market' }), '0.1', '20000', available, settings)).toBe('0.04980079'); // 1000 / (20000 × 1.004) = 0.0498007968…, cut to 8 decimals
    expect(fundableQuantity(anOrder({ side: 'sell' }), '0.1', '20000', available, settings)).toBe('0.03');
    expect(fundableQuantity(anOrder({ leverage: 3 }), '0.1', '20000', available, settings)).toBe('0.1');
    expect(fundableQuantity(anOrder(), '0.05', '20000', new Map([['USD', new D('1002.5')]]), settings)).toBe('0.05');
  });

  it('settles a buy and a sell in base and cash', () => {
    const afterBuy = settleFill(
      { USD: '10000' },
      { symbol: 'BTC/USD', side: 'buy', quantity: '0.1', price: '20010', feeUsd: '8.004' },
      'USD',
    );
    expect(afterBuy).toEqual({ BTC: '0.1', USD: '7990.996' });
    expect(
      settleFill(
        afterBuy,
        { symbol: 'BTC/USD', side: 'sell', quantity: '0.1', price: '19990', feeUsd: '7.996' },
        'USD',
      ),
    ).toEqual({ BTC: '0', USD: '9982' });
  });
});
