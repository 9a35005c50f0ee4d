import { describe, expect, it } from 'vitest';
import {
  breakerEvents,
  breakerStates,
  CircuitBreaker,
  transition,
  type BreakerEvent,
  type BreakerState,
} from '../../src/bus/circuit-breaker.ts';

describe('circuit breaker transition table', () => {
  const expected: Record<BreakerState, Record<BreakerEvent, BreakerState | 'throws'>> = {
    closed: { success: 'closed', failure: 'closed', threshold_reached: 'open', cooldown_elapsed: 'throws' },
    open: { success: 'open', failure: 'open', threshold_reached: 'throws', cooldown_elapsed: 'half_open' },
    half_open: { success: 'closed', failure: 'open', threshold_reached: 'open', cooldown_elapsed: 'throws' },
  };
  for (const state of breakerStates) {
    for (const event of breakerEvents) {
      const want = expected[state][event];
      it(`${state} + ${event} → ${want}`, () => {
        if (want === 'throws') expect(() => transition(state, event)).toThrow(/no transition/);
        else expect(transition(state, event)).toBe(want);
      });
    }
  }
});

describe('CircuitBreaker', () => {
  it('opens at the threshold, waits the cool-down, half-opens, and closes on success', () => {
    const b = new CircuitBreaker(3, 1_000);
    expect(b.recordFailure(0)).toBeUndefined();
    expect(b.recordFailure(0)).toBeUndefined();
    expect(b.recordFailure(10)).toEqual({ from: 'closed', to: 'open', consecutiveFailures: 3 });
    expect(b.allows(500).allowed).toBe(false);
    expect(b.remainingCooldownMs(500)).toBe(510);
    expect(b.allows(1_010)).toEqual({
      allowed: true,
      change: { from: 'open', to: 'half_open', consecutiveFailures: 3 },
    });
    expect(b.recordSuccess(1_020)).toEqual({ from: 'half_open', to: 'closed', consecutiveFailures: 0 });
  });

  it('re-opens on a failure while half-open, without waiting for the threshold', () => {
    const b = new CircuitBreaker(3, 100);
    for (let i = 0; i < 3; i++) b.recordFailure(0);
    b.allows(100);
    expect(b.recordFailure(101)?.to).toBe('open');
    expect(b.allows(150).allowed).toBe(false);
  });

  it('resets the count on success', () => {
    const b = new CircuitBreaker(2, 100);
    b.recordFailure(0);
    b.recordSuccess(0);
    expect(b.recordFailure(0)).toBeUndefined();
    expect(b.state).toBe('closed');
  });
});
