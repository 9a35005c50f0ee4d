import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { applyFill } from '../../src/positions/apply-fill.ts';
import { TriplegainError } from '../../src/shared/triplegain-error.ts';
import { aFill, aPosition, T0 } from './position-builders.ts';

describe('applyFill', () => {
  describe('opening', () => {
    it('opens a spot long from a buy, realising the fee as a loss', () => {
      const outcome = applyFill(null, aFill({ quantity: '0.5', price: '68600.1', feeUsd: '0.1' }));
      expect(outcome).toEqual({
        position: {
          symbol: 'BTC/USD',
          side: 'long',
          quantity: '0.5',
          avgEntryPrice: '68600.1',
          leverage: 1,
          realizedPnlUsd: '-0.1',
          feesUsd: '0.1',
          openedAtMs: T0 + 60_000,
          updatedAtMs: T0 + 60_000,
          protection: { stopLoss: null, takeProfit: null, trailing: null },
        },
        realizedPnlUsd: '-0.1',
        opened: true,
        closed: false,
        closedTrade: null,
      });
    });

    it('opens a short from a sell, with the fill leverage', () => {
      const { position } = applyFill(null, aFill({ side: 'sell', leverage: 3 }));
      expect(position).toMatchObject({ side: 'short', quantity: '1', avgEntryPrice: '100', leverage: 3 });
    });

    it('realises 0 when the opening fill has no fee', () => {
      expect(applyFill(null, aFill()).realizedPnlUsd).toBe('0');
    });
  });

  describe('adding', () => {
    it('averages the entry by volume and adds the fee to fees and realised loss', () => {
      const position = aPosition({ realizedPnlUsd: '-0.1', feesUsd: '0.1' });
      const outcome = applyFill(position, aFill({ quantity: '3', price: '120', feeUsd: '0.36' }));
      expect(outcome.position).toMatchObject({
        quantity: '4',
        avgEntryPrice: '115',
        realizedPnlUsd: '-0.46',
        feesUsd: '0.46',
        updatedAtMs: T0 + 60_000,
      });
      expect(outcome).toMatchObject({ realizedPnlUsd: '-0.36', opened: false, closed: false, closedTrade: null });
    });

    it('adds to a short with a sell', () => {
      const { position } = applyFill(
        aPosition({ side: 'short', leverage: 2 }),
        aFill({ side: 'sell', quantity: '1', price: '80' }),
      );
      expect(position).toMatchObject({ side: 'short', quantity: '2', avgEntryPrice: '90', leverage: 2 });
    });

    it('rounds a repeating average entry half up at 18 decimal places', () => {
      const { position } = applyFill(aPosition(), aFill({ quantity: '2', price: '101' }));
      expect(position?.avgEntryPrice).toBe('100.666666666666666667');
    });

    it('sums quantities exactly where floats would not (0.1 + 0.2)', () => {
      const { position } = applyFill(aPosition({ quantity: '0.1' }), aFill({ quantity: '0.2', price: '100' }));
      expect(position?.quantity).toBe('0.3');
    });

    it('keeps the protection and leverage', () => {
      const protection = { stopLoss: '90', takeProfit: '130', trailing: null };
      const { position } = applyFill(aPosition({ protection, leverage: 2 }), aFill({ leverage: 2 }));
      expect(position).toMatchObject({ protection, leverage: 2 });
    });

    it('refuses to add with another leverage', () => {
      expect(() => applyFill(aPosition({ leverage: 2 }), aFill({ leverage: 3 }))).toThrow(TriplegainError);
    });
  });

  describe('reducing', () => {
    it('realises (exit − entry) × qty minus the fee on a long', () => {
      const position = aPosition({ quantity: '4', avgEntryPrice: '115', realizedPnlUsd: '-0.46', feesUsd: '0.46' });
      const outcome = applyFill(position, aFill({ side: 'sell', quantity: '1', price: '130', feeUsd: '0.13' }));
      expect(outcome.realizedPnlUsd).toBe('14.87');
      expect(outcome.position).toMatchObject({
        quantity: '3',
        avgEntryPrice: '115',
        realizedPnlUsd: '14.41',
        feesUsd: '0.59',
      });
      expect(outcome).toMatchObject({ opened: false, closed: false, closedTrade: null });
    });

    it('realises a loss when a long is sold below its entry', () => {
      const outcome = applyFill(
        aPosition({ quantity: '2' }),
        aFill({ side: 'sell', quantity: '0.5', price: '96.5', feeUsd: '0.05' }),
      );
      expect(outcome.realizedPnlUsd).toBe('-1.8');
    });

    it('realises (entry − exit) × qty minus the fee on a short', () => {
      const outcome = applyFill(
        aPosition({ side: 'short', quantity: '2' }),
        aFill({ side: 'buy', quantity: '1', price: '90', feeUsd: '0.09' }),
      );
      expect(outcome.realizedPnlUsd).toBe('9.91');
      expect(outcome.position).toMatchObject({ side: 'short', quantity: '1', avgEntryPrice: '100' });
    });

    it('loses the fee when reducing at the entry price: fees always reduce P&L', () => {
      expect(
        applyFill(aPosition({ quantity: '2' }), aFill({ side: 'sell', price: '100', feeUsd: '0.2' })).realizedPnlUsd,
      ).toBe('-0.2');
    });

    it('computes P&L exactly on small sizes and long decimals', () => {
      const position = aPosition({ quantity: '0.00012345', avgEntryPrice: '68600.12345678' });
      const outcome = applyFill(
        position,
        aFill({ side: 'sell', quantity: '0.0001', price: '68700.98765432', feeUsd: '0.01786225' }),
      );
      const expected = new Decimal('68700.98765432').minus('68600.12345678').times('0.0001').minus('0.01786225');
      expect(outcome.realizedPnlUsd).toBe(expected.toFixed());
      expect(outcome.realizedPnlUsd).toBe('-0.007775830246');
      expect(outcome.position?.quantity).toBe('0.00002345');
    });

    it('keeps the protection and ignores the leverage of a reducing fill', () => {
      const protection = { stopLoss: '90', takeProfit: null, trailing: null };
      const { position } = applyFill(aPosition({ quantity: '2', protection }), aFill({ side: 'sell', leverage: 5 }));
      expect(position).toMatchObject({ protection, leverage: 1 });
    });
  });

  describe('closing', () => {
    it('closes exactly: no position, the trade carries its whole P&L with both fees', () => {
      const open = applyFill(null, aFill({ price: '100', feeUsd: '0.1', atMs: T0 }));
      const outcome = applyFill(
        open.position,
        aFill({ side: 'sell', price: '110', feeUsd: '0.11', atMs: T0 + 3_600_000 }),
      );
      expect(outcome).toEqual({
        position: null,
        realizedPnlUsd: '9.89',
        opened: false,
        closed: true,
        closedTrade: {
          symbol: 'BTC/USD',
          side: 'long',
          quantity: '1',
          avgEntryPrice: '100',
          exitPrice: '110',
          leverage: 1,
          realizedPnlUsd: '9.79',
          feesUsd: '0.21',
          openedAtMs: T0,
          closedAtMs: T0 + 3_600_000,
        },
      });
    });

    it('closes a short at a loss', () => {
      const outcome = applyFill(
        aPosition({ side: 'short', leverage: 2, realizedPnlUsd: '-0.05', feesUsd: '0.05' }),
        aFill({ side: 'buy', price: '104', feeUsd: '0.05' }),
      );
      expect(outcome.position).toBeNull();
      expect(outcome.realizedPnlUsd).toBe('-4.05');
      expect(outcome.closedTrade).toMatchObject({ side: 'short', realizedPnlUsd: '-4.1', feesUsd: '0.1', leverage: 2 });
    });
  });

  describe('flipping', () => {
    it('closes a long and opens a short with the remainder when the sell is larger', () => {
      const outcome = applyFill(
        aPosition({ leverage: 2 }),
        aFill({ side: 'sell', quantity: '3', price: '110', feeUsd: '0.3' }),
      );
      expect(outcome.realizedPnlUsd).toBe('9.7');
      expect(outcome).toMatchObject({ opened: true, closed: true });
      expect(outcome.closedTrade).toMatchObject({
        side: 'long',
        quantity: '1',
        realizedPnlUsd: '9.9',
        feesUsd: '0.1',
        exitPrice: '110',
      });
      expect(outcome.position).toEqual({
        symbol: 'BTC/USD',
        side: 'short',
        quantity: '2',
        avgEntryPrice: '110',
        leverage: 2,
        realizedPnlUsd: '-0.2',
        feesUsd: '0.2',
        openedAtMs: T0 + 60_000,
        updatedAtMs: T0 + 60_000,
        protection: { stopLoss: null, takeProfit: null, trailing: null },
      });
    });

    it('closes a short and opens a long with the fill leverage', () => {
      const outcome = applyFill(
        aPosition({ side: 'short', leverage: 3 }),
        aFill({ side: 'buy', quantity: '1.5', price: '90', leverage: 1 }),
      );
      expect(outcome.realizedPnlUsd).toBe('10');
      expect(outcome.position).toMatchObject({ side: 'long', quantity: '0.5', avgEntryPrice: '90', leverage: 1 });
    });

    it('splits the fee by quantity into two shares that sum exactly to it', () => {
      const outcome = applyFill(aPosition(), aFill({ side: 'sell', quantity: '3', price: '100', feeUsd: '0.1' }));
      expect(outcome.closedTrade?.feesUsd).toBe('0.033333333333333333');
      expect(outcome.position?.feesUsd).toBe('0.066666666666666667');
      expect(outcome.realizedPnlUsd).toBe('-0.1');
    });

    it('drops the old protection: it was for the other side', () => {
      const position = aPosition({ protection: { stopLoss: '90', takeProfit: '120', trailing: null } });
      expect(applyFill(position, aFill({ side: 'sell', quantity: '2' })).position?.protection).toEqual({
        stopLoss: null,
        takeProfit: null,
        trailing: null,
      });
    });
  });

  it('refuses a fill of another symbol', () => {
    expect(() => applyFill(aPosition(), aFill({ symbol: 'XRP/USD' }))).toThrow(
      expect.objectContaining({ code: 'DATA_INVALID' }),
    );
  });

  it('never moves the position back in time on a fill reported late', () => {
    const position = aPosition({ updatedAtMs: T0 + 120_000 });
    expect(applyFill(position, aFill({ atMs: T0 + 60_000 })).position?.updatedAtMs).toBe(T0 + 120_000);
  });
});
