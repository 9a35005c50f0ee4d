/**
 * Per-subscription circuit breaker. A subscription whose handler keeps failing stops reading
 * for a cool-down (its messages wait in Redis, nothing is lost), then tries one message.
 * Other subscriptions are unaffected.
 */
export type BreakerState = 'closed' | 'open' | 'half_open';
export type BreakerEvent = 'success' | 'failure' | 'threshold_reached' | 'cooldown_elapsed';

/** The whole state machine. A pair not listed is a bug and throws. */
const transitions: Record<BreakerState, Partial<Record<BreakerEvent, BreakerState>>> = {
  closed: {
    success: 'closed',
    // Below the threshold a failure only counts.
    failure: 'closed',
    threshold_reached: 'open',
  },
  open: {
    cooldown_elapsed: 'half_open',
    // A message already being handled when the circuit opened may still finish either way.
    success: 'open',
    failure: 'open',
  },
  half_open: {
    success: 'closed',
    failure: 'open',
    // A failure in half-open re-opens at once; the counter is irrelevant there.
    threshold_reached: 'open',
  },
};

export function transition(state: BreakerState, event: BreakerEvent): BreakerState {
  const next = transitions[state][event];
  if (next === undefined) throw new Error(`circuit breaker: no transition from ${state} on ${event}`);
  return next;
}

export const breakerStates: readonly BreakerState[] = ['closed', 'open', 'half_open'];
export const breakerEvents: readonly BreakerEvent[] = ['success', 'failure', 'threshold_reached', 'cooldown_elapsed'];

export interface BreakerChange {
  from: BreakerState;
  to: BreakerState;
  consecutiveFailures: number;
}

export class CircuitBreaker {
  private stateValue: BreakerState = 'closed';
  private failures = 0;
  private openedAtMs = 0;

  constructor(
    private readonly failureThreshold: number,
    private readonly cooldownMs: number,
  ) {}

  get state(): BreakerState {
    return this.stateValue;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Whether a message may be handled now; moves open → half_open once the cool-down passed. */
  allows(nowMs: number): { allowed: boolean; change?: BreakerChange } {
    if (this.stateValue === 'open' && nowMs - this.openedAtMs >= this.cooldownMs) {
      const change = this.apply('cooldown_elapsed', nowMs);
      return { allowed: true, change };
    }
    return { allowed: this.stateValue !== 'open' };
  }

  /** Milliseconds until an open circuit may try again (0 when not open). */
  remainingCooldownMs(nowMs: number): number {
    return this.stateValue === 'open' ? Math.max(0, this.openedAtMs + this.cooldownMs - nowMs) : 0;
  }

  recordSuccess(nowMs: number): BreakerChange | undefined {
    this.failures = 0;
    return this.apply('success', nowMs);
  }

  recordFailure(nowMs: number): BreakerChange | undefined {
    this.failures += 1;
    const event: BreakerEvent =
      this.stateValue === 'closed' && this.failures >= this.failureThreshold ? 'threshold_reached' : 'failure';
    return this.apply(event, nowMs);
  }

  private apply(event: BreakerEvent, nowMs: number): BreakerChange | undefined {
    const from = this.stateValue;
    const to = transition(from, event);
    if (to === from) return undefined;
    this.stateValue = to;
    if (to === 'open') this.openedAtMs = nowMs;
    return { from, to, consecutiveFailures: this.failures };
  }
}
