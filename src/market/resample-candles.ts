import { Decimal } from '../model/decimal.ts';
import type { Candle } from '../model/candle.ts';
import type { Timeframe } from '../model/timeframe.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { barOpenTimeMs, timeframeMs } from './timeframes.ts';

/**
 * Bars of a larger timeframe from gap-free bars of a smaller one (`fillGaps` first): open of
 * the first, highest high, lowest low, close of the last, volumes and trades summed; filled
 * for a gap only when every bar in it was. A bar of `to` is made only when every one of its
 * smaller bars is there, so the incomplete first and last are left out.
 *
 * @throws TriplegainError `DATA_INVALID` when `to` is not a whole multiple of the bars' timeframe.
 */
export function resampleCandles(candles: readonly Candle[], to: Timeframe): Candle[] {
  const first = candles[0];
  if (!first) return [];
  const fromMs = timeframeMs(first.timeframe);
  const toMs = timeframeMs(to);
  if (toMs <= fromMs || toMs % fromMs !== 0)
    throw new TriplegainError(
      'DATA_INVALID',
      `cannot resample ${first.timeframe} bars to ${to}: pick a larger timeframe made of whole ${first.timeframe} bars`,
    );
  const per = toMs / fromMs;
  const buckets = new Map<number, Candle[]>();
  for (const c of candles) {
    const at = barOpenTimeMs(c.openTimeMs, to);
    const bucket = buckets.get(at);
    if (bucket) bucket.push(c);
    else buckets.set(at, [c]);
  }
  const out: Candle[] = [];
  for (const [openTimeMs, bars] of buckets) {
    if (bars.length !== per) continue;
    const max = (a: string, b: string) => (new Decimal(b).gt(a) ? b : a);
    const min = (a: string, b: string) => (new Decimal(b).lt(a) ? b : a);
    out.push({
      symbol: first.symbol,
      timeframe: to,
      openTimeMs,
      open: bars[0]!.open,
      high: bars.map((b) => b.high).reduce(max),
      low: bars.map((b) => b.low).reduce(min),
      close: bars.at(-1)!.close,
      volume: bars.reduce((s, b) => s.plus(b.volume), new Decimal(0)).toFixed(),
      trades: bars.reduce((s, b) => s + b.trades, 0),
      gapFilled: bars.every((b) => b.gapFilled),
    });
  }
  return out;
}
