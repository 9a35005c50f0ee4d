import { describe, expect, it } from 'vitest';
import { coreHoldings } from '../../src/portfolio/core-holdings.ts';
import { valuePosition } from '../../src/positions/valuation.ts';
import { aPosition as position } from '../positions/position-builders.ts';

describe('coreHoldings: the account as the rebalance sees it', () => {
  it('nets a spot long out of its asset and counts its value as cash: opening a trade is no drift', () => {
    const long = valuePosition(
      position({ symbol: 'BTC/USD', side: 'long', quantity: '0.1', avgEntryPrice: '50000', leverage: 1 }),
      '52000',
    );
    expect(coreHoldings({ USD: '1000', BTC: '0.25', XRP: '100' }, [long], 'USD')).toEqual({
      holdings: { USD: '1000', BTC: '0.15', XRP: '100' },
      planningCash: '6200',
    });
  });

  it('never below zero: a trade holding more than the balance (a withdrawal since) leaves the core nothing to sell', () => {
    const long = valuePosition(
      position({ symbol: 'BTC/USD', side: 'long', quantity: '0.3', avgEntryPrice: '50000', leverage: 1 }),
      '50000',
    );
    expect(coreHoldings({ USD: '0', BTC: '0.25' }, [long], 'USD').holdings.BTC).toBe('0');
  });

  it('leaves the balances of a margin position alone and counts only its unrealised P&L as cash', () => {
    const short = valuePosition(
      position({ symbol: 'XRP/USD', side: 'short', quantity: '1000', avgEntryPrice: '0.5', leverage: 2 }),
      '0.4',
    );
    const marginLong = valuePosition(
      position({ symbol: 'BTC/USD', side: 'long', quantity: '0.1', avgEntryPrice: '50000', leverage: 3 }),
      '49500',
    );
    // +100 on the short, −50 on the long.
    expect(coreHoldings({ USD: '1000', BTC: '0.2', XRP: '500' }, [short, marginLong], 'USD')).toEqual({
      holdings: { USD: '1000', BTC: '0.2', XRP: '500' },
      planningCash: '1050',
    });
  });

  it('with no open trade, is the balances', () => {
    expect(coreHoldings({ USD: '10', BTC: '1' }, [], 'USD')).toEqual({
      holdings: { USD: '10', BTC: '1' },
      planningCash: '10',
    });
  });
});
