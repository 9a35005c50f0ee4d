import { Decimal } from '../model/decimal.ts';

/** Fractional digits of a derived price. */
const PRICE_DECIMALS = 8;

export interface ProtectiveLevels {
  stopLoss: string;
  takeProfit: string;
}

/**
 * Stop-loss and take-profit of an entry at `price`, `stopLossAtr` and `takeProfitAtr` ATRs
 * away: below and above the entry for a long (`BUY`), above and below it for a short (`SELL`).
 * Decimal arithmetic on decimal strings, rounded half-up to 8 fractional digits.
 *
 * @returns null when the levels do not make sense: ATR zero, or a stop at or below zero.
 */
export function protectiveLevels(
  side: 'BUY' | 'SELL',
  price: string,
  atr: string,
  multiples: { stopLossAtr: number; takeProfitAtr: number },
): ProtectiveLevels | null {
  const entry = new Decimal(price);
  const range = new Decimal(atr);
  if (range.lte(0) || entry.lte(0)) return null;
  const stopDistance = range.times(String(multiples.stopLossAtr));
  const targetDistance = range.times(String(multiples.takeProfitAtr));
  const sign = side === 'BUY' ? 1 : -1;
  const stopLoss = entry.minus(stopDistance.times(sign)).toDecimalPlaces(PRICE_DECIMALS, Decimal.ROUND_HALF_UP);
  const takeProfit = entry.plus(targetDistance.times(sign)).toDecimalPlaces(PRICE_DECIMALS, Decimal.ROUND_HALF_UP);
  if (stopLoss.lte(0) || takeProfit.lte(0)) return null;
  return { stopLoss: stopLoss.toFixed(), takeProfit: takeProfit.toFixed() };
}
