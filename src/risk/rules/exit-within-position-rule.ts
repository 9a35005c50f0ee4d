import { Decimal } from '../../model/decimal.ts';
import { formatDecimal } from '../format-decimal.ts';
import type { RiskRule } from './risk-rule.ts';

/**
 * Sizing for exits: an exit never takes more than what is left of its position, so it never
 * flips the position, never sells the core allocation and never opens a spot short.
 *
 * - Denies an `exit` without an open position it can reduce (a sell needs a long, a buy a
 *   short): it would open a new one (`exit_within_position`).
 * - One approved exit per position at a time: denies an exit of a position whose earlier
 *   approved exit is not done yet (`exitInFlight`, the position's exit claim), and one with
 *   nothing left because exits already in flight (closes, cuts, a halt's close-out) take the
 *   whole position (`exit_in_flight`). Two exits of a whole position approved a second apart
 *   would otherwise both sell it, the second the core allocation or into a short.
 * - Denies an exit with nothing left and nothing in flight (`exit_within_position`).
 * - Caps an exit larger than what is left (the position's quantity less the exits in flight)
 *   to that at the market price; exactly what is left is untouched.
 *
 * A rebalance's sell is not a position's exit: it sells the core allocation, which no position
 * tracks and which the rebalance fitted it to (`fitLegToAccount`, `coreHoldings`). Without a
 * market price there is nothing to measure left to exit (`positive_market_price` denies).
 */
export const exitWithinPositionRule: RiskRule = ({
  proposal,
  notionalUsd,
  quantity,
  position,
  exitsPosition,
  exitableQuantity,
  entryPrice,
}) => {
  if (!exitsPosition) return undefined;
  const exits = proposal.side === 'sell' ? 'long' : 'short';
  if (position === undefined || position.side !== exits) {
    return {
      deny: {
        rule: 'exit_within_position',
        message: `no ${exits} position in ${proposal.symbol} for a ${proposal.side} exit`,
      },
    };
  }
  const what = `the ${exits} ${proposal.symbol} position`;
  if (position.exitInFlight === true)
    return {
      deny: { rule: 'exit_in_flight', message: `an approved exit of ${what} is not done yet: one exit at a time` },
    };
  if (entryPrice.lte(0)) return undefined;
  const pending = new Decimal(position.pendingExitQuantity ?? '0');
  if (exitableQuantity.lte(0)) {
    return pending.gt(0)
      ? {
          deny: {
            rule: 'exit_in_flight',
            message: `exits in flight already take all of ${what} (${formatDecimal(pending)} pending)`,
          },
        }
      : { deny: { rule: 'exit_within_position', message: `nothing is left of ${what} to exit` } };
  }
  if (quantity.lte(exitableQuantity)) return undefined;
  const limit = formatDecimal(exitableQuantity.times(entryPrice));
  const leaving = pending.gt(0) ? ` (${formatDecimal(pending)} already leaving)` : '';
  return {
    cap: {
      notionalUsd: limit,
      reason: {
        rule: 'exit_within_position',
        message: `an exit is limited to what is left of ${what}, ${formatDecimal(exitableQuantity)}${leaving} at ${entryPrice.toFixed()}: notional ${limit} (requested ${formatDecimal(notionalUsd)})`,
      },
    },
  };
};
