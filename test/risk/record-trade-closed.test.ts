import { describe, expect, it } from 'vitest';
import { RiskConfig } from '../../src/config/sections/risk-config.ts';
import { recordTradeClosed } from '../../src/risk/record-trade-closed.ts';
import type { RiskState } from '../../src/risk/risk-state.ts';
import { aRiskState, NOW_MS } from './risk-builders.ts';

const cooldown = RiskConfig.parse({ cooldown: { consecutiveLosses: 3, durationMs: 3_600_000 } }).cooldown;

function losses(count: number, state: RiskState = aRiskState(), atMs = NOW_MS): RiskState {
  for (let i = 0; i < count; i++) state = recordTradeClosed(state, '-1', atMs, cooldown);
  return state;
}

describe('recordTradeClosed', () => {
  it('counts losses without a cooldown below the streak length', () => {
    expect(losses(2)).toMatchObject({ consecutiveLosses: 2, cooldownUntilMs: null });
  });

  it('starts the cooldown at exactly the streak length', () => {
    expect(losses(3)).toMatchObject({ consecutiveLosses: 3, cooldownUntilMs: NOW_MS + 3_600_000 });
  });

  it('restarts the cooldown on a further loss in the streak', () => {
    const later = losses(1, losses(3), NOW_MS + 60_000);
    expect(later).toMatchObject({ consecutiveLosses: 4, cooldownUntilMs: NOW_MS + 60_000 + 3_600_000 });
  });

  it('resets the streak on a win, so the next loss starts counting again', () => {
    const afterWin = recordTradeClosed(losses(2), '0.01', NOW_MS, cooldown);
    expect(afterWin.consecutiveLosses).toBe(0);
    expect(losses(1, afterWin)).toMatchObject({ consecutiveLosses: 1, cooldownUntilMs: null });
  });

  it('leaves the streak as it is on a break-even trade', () => {
    const state = losses(2);
    expect(recordTradeClosed(state, '0.00', NOW_MS, cooldown)).toBe(state);
  });

  it('keeps a running cooldown that ends later', () => {
    const state = aRiskState({ consecutiveLosses: 2, cooldownUntilMs: NOW_MS + 10 * 3_600_000 });
    expect(losses(1, state).cooldownUntilMs).toBe(NOW_MS + 10 * 3_600_000);
  });
});
