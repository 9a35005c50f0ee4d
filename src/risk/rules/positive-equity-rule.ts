import type { RiskRule } from './risk-rule.ts';

/** Denies every order when equity ≤ 0: nothing can be sized against it. */
export const positiveEquityRule: RiskRule = ({ equityUsd }) =>
  equityUsd.lte(0)
    ? { deny: { rule: 'positive_equity', message: `equity ${equityUsd.toFixed()} is not positive` } }
    : undefined;
