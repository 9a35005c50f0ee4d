import type { RiskRule } from './risk-rule.ts';

/** Denies an entry whose leverage is above `maxLeverage`; exactly `maxLeverage` passes. */
export const maxLeverageRule: RiskRule = ({ proposal, config, reducesExposure }) =>
  !reducesExposure && proposal.leverage > config.maxLeverage
    ? {
        deny: {
          rule: 'max_leverage',
          message: `leverage ${proposal.leverage} exceeds the maximum ${config.maxLeverage}`,
        },
      }
    : undefined;
