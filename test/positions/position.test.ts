import { describe, expect, it } from 'vitest';
import { Position } from '../../src/positions/position.ts';
import { aPosition } from './position-builders.ts';

const refused = (overrides: Record<string, unknown>) => Position.safeParse({ ...aPosition(), ...overrides });
const protectedBy = (protection: Record<string, unknown>) =>
  refused({ protection: { stopLoss: null, takeProfit: null, trailing: null, ...protection } });

describe('Position', () => {
  it('accepts an open long and an open short', () => {
    expect(Position.safeParse(aPosition()).success).toBe(true);
    expect(Position.safeParse(aPosition({ side: 'short', leverage: 3 })).success).toBe(true);
  });

  it.each(['0', '0.000', '-1', '-0.5'])(
    'refuses quantity %s: a position with zero or negative size cannot exist',
    (quantity) => {
      expect(refused({ quantity }).success).toBe(false);
    },
  );

  it.each(['0', '-100'])('refuses average entry price %s', (avgEntryPrice) => {
    expect(refused({ avgEntryPrice }).success).toBe(false);
  });

  it.each([0, 0.5, -2])('refuses leverage %s (at least 1)', (leverage) => {
    expect(refused({ leverage }).success).toBe(false);
  });

  it('refuses amounts as floats or beyond 18 decimal places (numeric(38,18))', () => {
    expect(refused({ quantity: 1 }).success).toBe(false);
    expect(refused({ realizedPnlUsd: -0.1 }).success).toBe(false);
    expect(refused({ quantity: '0.0000000000000000001' }).success).toBe(false);
    expect(refused({ quantity: '1e-8' }).success).toBe(false);
  });

  it('accepts negative realised P&L but refuses negative fees', () => {
    expect(refused({ realizedPnlUsd: '-12.5' }).success).toBe(true);
    expect(refused({ feesUsd: '-0.1' }).success).toBe(false);
  });

  it('refuses an update before the opening and unknown keys', () => {
    expect(refused({ updatedAtMs: aPosition().openedAtMs - 1 }).success).toBe(false);
    expect(refused({ closed: false }).success).toBe(false);
  });

  it('keeps a stop loss on the losing side of the take profit', () => {
    expect(protectedBy({ stopLoss: '90', takeProfit: '120' }).success).toBe(true);
    expect(protectedBy({ stopLoss: '120', takeProfit: '120' }).success).toBe(false);
    expect(refused({ side: 'short', protection: { stopLoss: '110', takeProfit: '80', trailing: null } }).success).toBe(
      true,
    );
    expect(refused({ side: 'short', protection: { stopLoss: '80', takeProfit: '110', trailing: null } }).success).toBe(
      false,
    );
  });

  it('accepts a stop loss above the entry of a long (a stop moved to lock in profit)', () => {
    expect(protectedBy({ stopLoss: '105' }).success).toBe(true);
  });

  it('matches the trailing stop to the side and keeps the stop behind the water mark', () => {
    expect(protectedBy({ trailing: { distancePct: 2, highWaterPrice: '110', stopPrice: '107.8' } }).success).toBe(true);
    expect(protectedBy({ trailing: { distancePct: 2, lowWaterPrice: '90', stopPrice: '91.8' } }).success).toBe(false);
    expect(protectedBy({ trailing: { distancePct: 2, highWaterPrice: '110', stopPrice: '111' } }).success).toBe(false);
    expect(protectedBy({ trailing: { distancePct: 0, highWaterPrice: '110', stopPrice: '110' } }).success).toBe(false);
    expect(
      refused({
        side: 'short',
        protection: {
          stopLoss: null,
          takeProfit: null,
          trailing: { distancePct: 2, lowWaterPrice: '90', stopPrice: '91.8' },
        },
      }).success,
    ).toBe(true);
    expect(
      refused({
        side: 'short',
        protection: {
          stopLoss: null,
          takeProfit: null,
          trailing: { distancePct: 2, lowWaterPrice: '90', stopPrice: '89' },
        },
      }).success,
    ).toBe(false);
  });
});
