import { Decimal } from '../model/decimal.ts';
import { z } from 'zod';
import type { PortfolioConfig } from '../config/sections/portfolio-config.ts';
import { Dec, toStoredDecimal } from '../positions/position-decimal.ts';
import { RebalanceTrade } from './rebalance-trade.ts';

/** One batch of a rebalance: a delayed job that runs its sells, then its buys. */
export const RebalanceBatch = z
  .object({
    /** 0 for the first batch; `delayMs = index × intervalMs`. */
    index: z.number().int().nonnegative(),
    /** Delay from the start of the rebalance. */
    delayMs: z.number().int().nonnegative(),
    /** Run before the buys of the same batch. */
    sells: z.array(RebalanceTrade),
    buys: z.array(RebalanceTrade),
  })
  .strict();
export type RebalanceBatch = z.infer<typeof RebalanceBatch>;

export interface SplitOptions {
  /** A slice below this notional is not made: the trade is kept whole (see {@link splitIntoBatches}). Default "0". */
  minTradeUsd?: string;
  /** Decimal places of a quantity slice, cut towards zero. Default 8, as the planner's. */
  quantityPlaces?: number;
}

/**
 * The schedule of a planned rebalance. Pure.
 *
 * A rebalance whose size (the notional of all its trades, sells plus buys) is at most
 * `dca.aboveUsd` runs as one batch at delay 0. A larger one is split into `dca.batches`
 * batches, `dca.intervalMs` apart (DCA): every trade is cut into equal quantity slices (cut
 * towards zero to `quantityPlaces`), the last batch taking the remainder, so the quantities
 * and the notionals of a trade's slices sum exactly to the planned trade. Each batch keeps
 * sells before buys, so a batch's buys are paid by its own sells.
 *
 * A trade whose slice would be 0 or below `minTradeUsd` is not split: a sell goes whole into
 * the first batch (its cash is there early), a buy whole into the last (its cash has been
 * raised by then). Batches left without trades are omitted (the others keep their index and
 * delay). A plan without trades gives no batch.
 */
export function splitIntoBatches(
  plan: { sells: readonly RebalanceTrade[]; buys: readonly RebalanceTrade[] },
  dca: PortfolioConfig['dca'],
  options: SplitOptions = {},
): RebalanceBatch[] {
  const trades = [...plan.sells, ...plan.buys];
  if (trades.length === 0) return [];
  const size = trades.reduce((total, t) => total.plus(t.notionalUsd), new Dec(0));
  const count = size.gt(dca.aboveUsd) ? dca.batches : 1;
  const batches = Array.from(
    { length: count },
    (_, index): RebalanceBatch => ({ index, delayMs: index * dca.intervalMs, sells: [], buys: [] }),
  );
  const minTrade = new Dec(options.minTradeUsd ?? '0');
  const places = options.quantityPlaces ?? 8;

  for (const trade of trades) {
    const list = (batch: RebalanceBatch) => (trade.side === 'sell' ? batch.sells : batch.buys);
    const slices = slice(trade, count, places, minTrade);
    if (slices === null) {
      const whole = trade.side === 'sell' ? batches[0] : batches[count - 1];
      if (whole !== undefined) list(whole).push(trade);
      continue;
    }
    slices.forEach((s, i) => {
      const batch = batches[i];
      if (batch !== undefined) list(batch).push(s);
    });
  }
  return batches.filter((b) => b.sells.length + b.buys.length > 0).map((b) => RebalanceBatch.parse(b));
}

/** `count` slices of the trade summing exactly to it, or null when a slice would be too small. */
function slice(trade: RebalanceTrade, count: number, places: number, minTrade: Decimal): RebalanceTrade[] | null {
  if (count === 1) return [trade];
  const quantity = new Dec(trade.quantity);
  const notional = new Dec(trade.notionalUsd);
  const sliceQuantity = quantity.div(count).toDecimalPlaces(places, Decimal.ROUND_DOWN);
  // The notional follows the quantity, so each slice keeps the trade's price.
  const sliceNotional = new Dec(toStoredDecimal(notional.times(sliceQuantity).div(quantity)));
  if (sliceQuantity.lte(0) || sliceNotional.lte(0) || sliceNotional.lt(minTrade)) return null;
  const last = {
    quantity: quantity.minus(sliceQuantity.times(count - 1)),
    notional: notional.minus(sliceNotional.times(count - 1)),
  };
  return Array.from({ length: count }, (_, i) => ({
    ...trade,
    quantity: toStoredDecimal(i === count - 1 ? last.quantity : sliceQuantity),
    notionalUsd: toStoredDecimal(i === count - 1 ? last.notional : sliceNotional),
  }));
}
