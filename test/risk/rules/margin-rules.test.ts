import { describe, expect, it } from 'vitest';
import { InstrumentBook } from '../../../src/market/instrument-book.ts';
import type { Instrument } from '../../../src/market/instrument.ts';
import { atAllowedLeverage } from '../../../src/risk/at-allowed-leverage.ts';
import { aProposal, decide, deniedBy, expectApproved } from '../risk-builders.ts';

// Kraken's BTC/USD lists leverage 2, 3, 4 and 5 both ways; XRP/USD as shipped lists some too.
const btc = InstrumentBook.shipped().get('BTC/USD');
const spotOnly: Instrument = { ...btc, leverageBuy: [], leverageSell: [] };
const atBtc = { marketPrice: '50000', instrument: btc };
const spotAccount = { ...atBtc, margin: false };

describe('margin off (execution.margin: false, the default)', () => {
  it('denies a leveraged buy with its own reason', () => {
    expect(deniedBy(decide({ leverage: 2 }, spotAccount))).toEqual(['margin_off']);
  });

  it('is what an account without a margin setting gets', () => {
    expect(deniedBy(decide({ leverage: 2 }, { ...atBtc, margin: undefined }))).toEqual(['margin_off']);
  });

  it('denies a short entry, leveraged or not', () => {
    expect(
      deniedBy(decide({ side: 'sell', leverage: 3, stopLoss: '51000', takeProfit: '47000' }, spotAccount)),
    ).toEqual(['margin_off']);
    expect(
      deniedBy(decide({ side: 'sell', leverage: 1, stopLoss: '51000', takeProfit: '47000' }, spotAccount)),
    ).toEqual(['spot_short']);
  });

  it('approves a spot buy', () => {
    expectApproved(decide({}, spotAccount));
  });
});

describe('margin on', () => {
  const onMargin = { ...atBtc, margin: true };

  it('approves a leverage the pair lists', () => {
    expectApproved(decide({ leverage: 3 }, onMargin, { maxLeverage: 5 }));
  });

  it('sizes a leverage the pair does not list at the listed one below it (2.7 → 2)', () => {
    const approval = expectApproved(decide({ leverage: 2.7, sizePct: 5 }, onMargin, { maxLeverage: 5 }));
    // 5 % of 10000 at 2x (1000), not at 2.7x (1350).
    expect(approval.notionalUsd).toBe('1000');
  });

  it('denies leverage on a pair that offers none, with its own reason', () => {
    expect(deniedBy(decide({ leverage: 2 }, { ...onMargin, instrument: spotOnly }, { maxLeverage: 5 }))).toEqual([
      'leverage_not_allowed',
    ]);
  });

  it('denies a leverage below the smallest the side lists', () => {
    const threeUp: Instrument = { ...btc, leverageBuy: [3, 4, 5] };
    expect(deniedBy(decide({ leverage: 2.5 }, { ...onMargin, instrument: threeUp }, { maxLeverage: 5 }))).toEqual([
      'leverage_not_allowed',
    ]);
  });
});

describe('atAllowedLeverage', () => {
  it('snaps down to a whole leverage the side lists, 1 below 2, and leaves an unfitting one for the rule', () => {
    expect(atAllowedLeverage(aProposal({ leverage: 4.9 }), btc).leverage).toBe(4);
    expect(atAllowedLeverage(aProposal({ leverage: 1.5 }), btc).leverage).toBe(1);
    expect(atAllowedLeverage(aProposal({ leverage: 3 }), spotOnly).leverage).toBe(3);
    expect(atAllowedLeverage(aProposal({ leverage: 2.5 }), undefined).leverage).toBe(2.5);
  });
});
