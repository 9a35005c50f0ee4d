import { Decimal } from '../../model/decimal.ts';
import { formatDecimal } from '../format-decimal.ts';
import type { RiskRule } from './risk-rule.ts';

/**
 * Sizing. Caps a spot buy (leverage 1, not an exit) to the free cash less `cashReservePct` %
 * (kept for the fee and slippage): on spot an account pays in full, and an order it cannot
 * fund is refused by the exchange (`EOrder:Insufficient funds`) after every other check has
 * passed. Untouched at exactly the room; denied when no room is left (room ≤ 0). Without a
 * known free cash (`freeCashUsd` absent) there is nothing to cap to.
 */
export const freeCashRule: RiskRule = ({ proposal, context, config, notionalUsd, reducesExposure }) => {
  if (reducesExposure || proposal.side !== 'buy' || proposal.leverage > 1 || context.freeCashUsd === undefined)
    return undefined;
  const room = new Decimal(context.freeCashUsd).times(new Decimal(100).minus(config.cashReservePct)).div(100);
  const what = `free cash ${context.freeCashUsd} less the ${config.cashReservePct}% reserve`;
  if (room.lte(0)) return { deny: { rule: 'free_cash', message: `${what} leaves nothing to buy with` } };
  if (notionalUsd.lte(room)) return undefined;
  return {
    cap: {
      notionalUsd: formatDecimal(room),
      reason: { rule: 'free_cash', message: `${what} pays for at most ${formatDecimal(room)}` },
    },
  };
};
