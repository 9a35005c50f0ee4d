import { formatDecimal } from '../format-decimal.ts';
import type { RiskRule } from './risk-rule.ts';

/**
 * Denies every order (exits too: the exchange would refuse it) whose notional after caps is
 * positive but below `minOrderUsd`; exactly `minOrderUsd` passes. A notional ≤ 0 is left to
 * {@link positiveSizeRule}.
 */
export const minOrderSizeRule: RiskRule = ({ notionalUsd, config }) =>
  notionalUsd.gt(0) && notionalUsd.lt(config.minOrderUsd)
    ? {
        deny: {
          rule: 'min_order_size',
          message: `notional ${formatDecimal(notionalUsd)} is below the minimum order ${config.minOrderUsd}`,
        },
      }
    : undefined;
