import { formatDecimal } from '../format-decimal.ts';
import type { RiskRule } from './risk-rule.ts';
import { stopDistancePct } from './stop-distance-pct.ts';

/**
 * Sizing. Caps an entry so that hitting its stop-loss loses at most `riskPerTradePct` % of
 * equity: largest notional = equity × riskPerTradePct / stop distance %, the distance measured
 * from the market price. Capped when above
 * it, untouched at exactly it. Without a usable stop (none, or on the wrong side) there is
 * nothing to size from; the stop-loss rules deal with that.
 */
export const riskPerTradeRule: RiskRule = ({
  proposal,
  config,
  equityUsd,
  entryPrice,
  notionalUsd,
  reducesExposure,
}) => {
  if (reducesExposure || equityUsd.lte(0)) return undefined;
  const distance = stopDistancePct(proposal, entryPrice);
  if (distance === undefined || distance.lte(0)) return undefined;
  const limit = equityUsd.times(config.riskPerTradePct).div(distance);
  if (notionalUsd.lte(limit)) return undefined;
  const message = `a stop ${formatDecimal(distance)}% away may lose at most ${config.riskPerTradePct}% of equity ${equityUsd.toFixed()}: notional up to ${formatDecimal(limit)}`;
  return { cap: { notionalUsd: formatDecimal(limit), reason: { rule: 'risk_per_trade', message } } };
};
