import { describe, expect, it } from 'vitest';
import { HALT_HOLD_MAX_MS, HALT_HOLD_MIN_MS, haltHoldMs } from '../../src/chaos/halt-hold-ms.ts';

describe('haltHoldMs', () => {
  it('holds a halt as long as the baseline took to send two orders', () => {
    expect(haltHoldMs({ orders: 12, wallMs: 60_000 })).toBe(10_000);
  });

  it('holds at least HALT_HOLD_MIN_MS and at most HALT_HOLD_MAX_MS, the longest when the baseline sent nothing', () => {
    expect(haltHoldMs({ orders: 600, wallMs: 60_000 })).toBe(HALT_HOLD_MIN_MS);
    expect(haltHoldMs({ orders: 1, wallMs: 60_000 })).toBe(HALT_HOLD_MAX_MS);
    expect(haltHoldMs({ orders: 0, wallMs: 60_000 })).toBe(HALT_HOLD_MAX_MS);
    expect(haltHoldMs({ orders: 0, wallMs: 0 })).toBe(HALT_HOLD_MAX_MS);
  });
});
