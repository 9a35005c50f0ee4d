import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { InstrumentBook } from '../../../src/market/instrument-book.ts';
import type { Instrument } from '../../../src/market/instrument.ts';
import { instrumentMinimumRule } from '../../../src/risk/rules/instrument-minimum-rule.ts';
import { aRuleInput, decide, deniedBy, expectApproved, expectDenied } from '../risk-builders.ts';

// Kraken's XRP/USD: ordermin 10 XRP, costmin 0.5 USD, 8 lot decimals. At 2.5, 10 XRP cost 25.
const xrp = InstrumentBook.shipped().get('XRP/USD');
const xrpEntry = { symbol: 'XRP/USD', entryPrice: '2.5', stopLoss: '2.45', takeProfit: null };
const atXrp = { marketPrice: '2.5', instrument: xrp };

describe('instrument minimum rule', () => {
  it('denies an XRP order below ordermin with its own reason, not sent', () => {
    // 0.2 % of 10000 = 20 → 8 XRP.
    expect(expectDenied(decide({ ...xrpEntry, sizePct: 0.2 }, atXrp)).reasons).toEqual([
      {
        rule: 'instrument_minimum',
        message: "quantity 8 of XRP/USD is below the pair's minimum order 10 (ordermin 10, costmin 0.5 at 2.5)",
      },
    ]);
  });

  it('approves exactly the minimum', () => {
    expect(expectApproved(decide({ ...xrpEntry, sizePct: 0.25 }, atXrp)).quantity).toBe('10');
  });

  it('applies the cost minimum when it needs more than ordermin', () => {
    const costly: Instrument = { ...xrp, orderMin: '1', costMin: '30' };
    // 30 / 2.5 = 12 XRP at least: 11.6 is refused, 12 passes.
    expect(deniedBy(decide({ ...xrpEntry, sizePct: 0.29 }, { ...atXrp, instrument: costly }))).toEqual([
      'instrument_minimum',
    ]);
    expectApproved(decide({ ...xrpEntry, sizePct: 0.3 }, { ...atXrp, instrument: costly }));
  });

  it("measures the quantity cut to the pair's lot, as it will be sent", () => {
    const wholeUnits: Instrument = { ...xrp, lotDecimals: 0 };
    // 9.99999 XRP is sent as 9.
    const input = { ...aRuleInput(xrpEntry, { ...atXrp, instrument: wholeUnits }), quantity: new Decimal('9.99999') };
    expect(instrumentMinimumRule(input)).toMatchObject({
      deny: { rule: 'instrument_minimum', message: expect.stringContaining('quantity 9 of XRP/USD') },
    });
  });

  it('denies an exit too: the exchange would refuse it as well', () => {
    const position = { symbol: 'XRP/USD', side: 'long' as const, notionalUsd: '20', leverage: 1, quantity: '8' };
    expect(
      deniedBy(
        decide({ ...xrpEntry, side: 'sell', intent: 'exit', stopLoss: null }, { ...atXrp, openPositions: [position] }),
      ),
    ).toEqual(['instrument_minimum']);
  });

  it('leaves a pair without known rules to the order path', () => {
    expectApproved(decide({ ...xrpEntry, sizePct: 0.2 }, { marketPrice: '2.5' }));
  });
});
