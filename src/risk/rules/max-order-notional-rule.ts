import type { RiskRule } from './risk-rule.ts';

/** Sizing. Caps an entry above `maxOrderNotionalUsd` to it; exactly the maximum is untouched. */
export const maxOrderNotionalRule: RiskRule = ({ config, notionalUsd, reducesExposure }) =>
  !reducesExposure && notionalUsd.gt(config.maxOrderNotionalUsd)
    ? {
        cap: {
          notionalUsd: config.maxOrderNotionalUsd,
          reason: { rule: 'max_order_notional', message: `order notional is limited to ${config.maxOrderNotionalUsd}` },
        },
      }
    : undefined;
