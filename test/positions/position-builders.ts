import type { z } from 'zod';
import { PositionFill } from '../../src/positions/apply-fill.ts';
import { Position } from '../../src/positions/position.ts';

/** 2025-01-15 12:00 UTC. */
export const T0 = Date.UTC(2025, 0, 15, 12);

/** A spot long of 1 BTC/USD at 100, no fees yet, no protection. */
export function aPosition(overrides: Partial<z.input<typeof Position>> = {}): Position {
  return Position.parse({
    symbol: 'BTC/USD',
    side: 'long',
    quantity: '1',
    avgEntryPrice: '100',
    leverage: 1,
    realizedPnlUsd: '0',
    feesUsd: '0',
    openedAtMs: T0,
    updatedAtMs: T0,
    protection: { stopLoss: null, takeProfit: null, trailing: null },
    ...overrides,
  });
}

/** A fee-free buy of 1 BTC/USD at 100, one minute after T0. */
export function aFill(overrides: Partial<z.input<typeof PositionFill>> = {}): PositionFill {
  return PositionFill.parse({
    symbol: 'BTC/USD',
    side: 'buy',
    quantity: '1',
    price: '100',
    feeUsd: '0',
    atMs: T0 + 60_000,
    ...overrides,
  });
}
