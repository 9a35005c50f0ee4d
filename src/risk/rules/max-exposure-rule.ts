import { Decimal } from '../../model/decimal.ts';
import { formatDecimal } from '../format-decimal.ts';
import type { RiskRule } from './risk-rule.ts';

/**
 * Sizing. Caps an entry so that total exposure (the notionals of every open position, both
 * sides, plus this order) stays within `maxExposurePct` % of equity: capped when above the
 * room left, untouched at exactly it. Denies when no room is left (room ≤ 0).
 */
export const maxExposureRule: RiskRule = ({ context, config, equityUsd, notionalUsd, reducesExposure }) => {
  if (reducesExposure || equityUsd.lte(0)) return undefined;
  const limit = equityUsd.times(config.maxExposurePct).div(100);
  let exposure = new Decimal(0);
  for (const p of context.openPositions) exposure = exposure.plus(p.notionalUsd);
  const room = limit.minus(exposure);
  const what = `exposure limit ${formatDecimal(limit)} (${config.maxExposurePct}% of equity ${equityUsd.toFixed()})`;
  if (room.lte(0))
    return {
      deny: { rule: 'max_exposure', message: `${what} is used up by open positions of ${formatDecimal(exposure)}` },
    };
  if (notionalUsd.lte(room)) return undefined;
  return {
    cap: {
      notionalUsd: formatDecimal(room),
      reason: {
        rule: 'max_exposure',
        message: `${what} leaves room for ${formatDecimal(room)} next to open positions of ${formatDecimal(exposure)}`,
      },
    },
  };
};
