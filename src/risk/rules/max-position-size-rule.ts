import { Decimal } from '../../model/decimal.ts';
import { formatDecimal } from '../format-decimal.ts';
import type { RiskRule } from './risk-rule.ts';

/**
 * Sizing. Caps an entry so that its symbol's position on the order's side (the open one plus
 * this order, in notional) stays within `maxPositionPct` % of equity: capped when above the
 * room left, untouched at exactly it. Denies when no room is left (room ≤ 0). A rebalance's
 * buy opens no position (it tops up the core allocation, bounded by its target) and passes.
 */
export const maxPositionSizeRule: RiskRule = ({
  proposal,
  config,
  equityUsd,
  notionalUsd,
  position,
  reducesExposure,
}) => {
  if (reducesExposure || proposal.purpose === 'rebalance' || equityUsd.lte(0)) return undefined;
  const limit = equityUsd.times(config.maxPositionPct).div(100);
  const sameSide = position !== undefined && position.side === (proposal.side === 'buy' ? 'long' : 'short');
  const held = sameSide ? new Decimal(position.notionalUsd) : new Decimal(0);
  const room = limit.minus(held);
  const what = `${proposal.symbol} position limit ${formatDecimal(limit)} (${config.maxPositionPct}% of equity ${equityUsd.toFixed()})`;
  if (room.lte(0))
    return { deny: { rule: 'max_position_size', message: `${what} is used up by the open ${formatDecimal(held)}` } };
  if (notionalUsd.lte(room)) return undefined;
  return {
    cap: {
      notionalUsd: formatDecimal(room),
      reason: {
        rule: 'max_position_size',
        message: `${what} leaves room for ${formatDecimal(room)} next to the open ${formatDecimal(held)}`,
      },
    },
  };
};
