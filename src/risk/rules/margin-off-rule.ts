import type { RiskRule } from './risk-rule.ts';

/**
 * Denies an entry with leverage above 1 while margin is off (`context.margin` absent or false,
 * `execution.margin: false`, the default): spot only, so no leveraged order and no short is
 * approved (a short at leverage 1 is `spot_short`'s).
 */
export const marginOffRule: RiskRule = ({ proposal, context, reducesExposure }) =>
  !reducesExposure && proposal.leverage > 1 && context.margin !== true
    ? {
        deny: {
          rule: 'margin_off',
          message: `leverage ${proposal.leverage} needs margin, and execution.margin is false (spot only)`,
        },
      }
    : undefined;
