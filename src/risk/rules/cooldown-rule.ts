import type { RiskRule } from './risk-rule.ts';

/**
 * Denies an entry during a loss-streak cooldown: while `nowMs` < `state.cooldownUntilMs`.
 * At exactly `cooldownUntilMs` the cooldown is over.
 */
export const cooldownRule: RiskRule = ({ context, reducesExposure }) => {
  const until = context.state.cooldownUntilMs;
  if (reducesExposure || until === null || context.nowMs >= until) return undefined;
  return {
    deny: {
      rule: 'cooldown',
      message: `cooldown after ${context.state.consecutiveLosses} consecutive losses until ${new Date(until).toISOString()} (${until - context.nowMs} ms left)`,
    },
  };
};
