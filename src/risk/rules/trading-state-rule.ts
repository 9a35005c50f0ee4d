import { assertNever } from '../../shared/triplegain-error.ts';
import type { RiskRule } from './risk-rule.ts';

/**
 * ACTIVE passes every order. REDUCING denies any order that does not reduce exposure.
 * HALTED denies every order whose intent is not `exit`: only the halt's own close-out (and
 * protective exits) go on until a manual reset.
 */
export const tradingStateRule: RiskRule = ({ proposal, context, reducesExposure }) => {
  const state = context.state.tradingState;
  switch (state) {
    case 'ACTIVE':
      return undefined;
    case 'REDUCING':
      return reducesExposure
        ? undefined
        : {
            deny: {
              rule: 'trading_state',
              message: 'trading is REDUCING: only orders that reduce exposure are allowed',
            },
          };
    case 'HALTED':
      return proposal.intent === 'exit'
        ? undefined
        : {
            deny: { rule: 'trading_state', message: 'trading is HALTED: only exits are allowed until a manual reset' },
          };
    default:
      return assertNever(state, 'trading state');
  }
};
