import type { RiskRule } from './risk-rule.ts';

/**
 * Denies an entry while a `pause_entries` breaker holds: while `nowMs` <
 * `state.entriesPausedUntilMs`. At exactly that instant (the next 00:00 UTC) entries resume.
 */
export const entriesPausedRule: RiskRule = ({ context, reducesExposure }) => {
  const until = context.state.entriesPausedUntilMs;
  if (reducesExposure || until === null || context.nowMs >= until) return undefined;
  return {
    deny: {
      rule: 'entries_paused',
      message: `new entries are paused by a circuit breaker until ${new Date(until).toISOString()}`,
    },
  };
};
