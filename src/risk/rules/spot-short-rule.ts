import type { RiskRule } from './risk-rule.ts';

/**
 * Denies a short entry at leverage 1: on spot an account can only sell what it holds, so a
 * short needs margin (leverage above 1). An exit (selling a long) is not an entry and passes.
 */
export const spotShortRule: RiskRule = ({ proposal, reducesExposure }) =>
  !reducesExposure && proposal.side === 'sell' && proposal.leverage <= 1
    ? {
        deny: {
          rule: 'spot_short',
          message: 'a short entry needs margin (leverage above 1); at leverage 1 only what is held can be sold',
        },
      }
    : undefined;
