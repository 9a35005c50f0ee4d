import type { TaIndicators } from '../agents/ta/contract/ta-signal-emitted.ts';
import type { Db } from '../db/open-database.ts';
import { loadRecentCandles } from '../market/candle-store.ts';
import type { Timeframe } from '../model/timeframe.ts';
import { loadLatestValuation } from '../portfolio/latest-valuation.ts';
import { workingOrdersOf } from '../orders/working-orders-of.ts';
import { heldPositionOf } from '../positions/held-position.ts';
import type { StrategyInput } from './strategy.ts';

/** What a strategy is asked with beyond the panel's decision context: read from the stores. */
export type StrategyFacts = Pick<StrategyInput, 'timeframe' | 'bars' | 'position' | 'orders' | 'account'> & {
  indicators: TaIndicators;
};

/**
 * Reads a strategy's facts for one pair at the bar being decided: the last `lookback` stored
 * bars opening at or before it (a later bar another worker already stored is not shown, so a
 * retried decision sees what the first saw), the pair's open position as orders see it
 * (`heldPositionOf`), its orders not yet final and the account's latest valuation. Four queries; the panel asks them
 * only when it has a strategy.
 */
export async function loadStrategyFacts(
  db: Db,
  q: {
    account: string;
    cashAsset: string;
    symbol: string;
    timeframe: Timeframe;
    lookback: number;
    barOpenTimeMs: number;
    indicators: TaIndicators;
  },
): Promise<StrategyFacts> {
  const [candles, held, working, valuation] = await Promise.all([
    loadRecentCandles(db, q.symbol, q.timeframe, q.lookback, q.barOpenTimeMs),
    heldPositionOf(db, q.account, q.symbol),
    workingOrdersOf(db, q.account, q.symbol),
    loadLatestValuation(db, q.account),
  ]);
  return {
    timeframe: q.timeframe,
    indicators: q.indicators,
    bars: candles.map(({ openTimeMs, open, high, low, close, volume }) => ({
      openTimeMs,
      open,
      high,
      low,
      close,
      volume,
    })),
    position:
      held === null || held.quantity.isZero()
        ? null
        : {
            side: held.position.side,
            quantity: held.quantity.toFixed(),
            avgEntryPrice: held.position.avgEntryPrice,
            stopLoss: held.position.protection.stopLoss,
            takeProfit: held.position.protection.takeProfit,
            openedAtMs: held.position.openedAtMs,
          },
    orders: working,
    account: valuation === null ? null : { cashAsset: q.cashAsset, ...valuation },
  };
}
