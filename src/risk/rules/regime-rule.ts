import { assertNever } from '../../shared/triplegain-error.ts';
import type { RiskRule } from './risk-rule.ts';

/**
 * Denies an entry the symbol's regime rules out, unless `regimeRules` allows it: a long
 * (buy) entry in `trending_bear`, a short (sell) entry in `trending_bull`, any entry in
 * `volatile`, any entry with an unknown (null) regime. `ranging` and `quiet` allow both sides.
 */
export const regimeRule: RiskRule = ({ proposal, config, reducesExposure }) => {
  if (reducesExposure) return undefined;
  const rules = config.regimeRules;
  const regime = proposal.regime;
  let allowed: boolean;
  switch (regime) {
    case null:
      allowed = rules.allowEntriesWhenUnknown;
      break;
    case 'volatile':
      allowed = rules.allowEntriesInVolatile;
      break;
    case 'trending_bear':
      allowed = proposal.side === 'sell' || rules.allowLongInTrendingBear;
      break;
    case 'trending_bull':
      allowed = proposal.side === 'buy' || rules.allowShortInTrendingBull;
      break;
    case 'ranging':
    case 'quiet':
      allowed = true;
      break;
    default:
      return assertNever(regime, 'market regime');
  }
  if (allowed) return undefined;
  const direction = proposal.side === 'buy' ? 'long' : 'short';
  return {
    deny: {
      rule: 'regime',
      message: `a ${direction} entry in ${proposal.symbol} is not allowed while the regime is ${regime ?? 'unknown'}`,
    },
  };
};
