import { ADX, ATR, BollingerBands, EMA, MACD, RSI, SMA, SwingHigh, SwingLow } from 'trading-signals';
import { PERIODS } from '../periods/analysis-periods.ts';
import type { NumericBar } from './ta-candle.ts';

/** Every indicator value at the newest bar, as numbers straight out of trading-signals. */
export interface IndicatorSnapshot {
  close: number;
  /** RSI(14), Wilder smoothing, 0–100. */
  rsi14: number;
  /** MACD(12, 26, 9) in price units. */
  macd: { line: number; signal: number; histogram: number };
  ema9: number;
  ema21: number;
  ema50: number;
  ema200: number;
  /** EMA(50) `PERIODS.emaSlopeBars` bars before the newest one. */
  ema50Earlier: number;
  /** ATR(14), Wilder smoothing, price units. */
  atr14: number;
  /** Bollinger bands(20, 2σ). */
  bollinger: { lower: number; middle: number; upper: number };
  /** ADX(14), 0–100. */
  adx14: number;
  /** Directional indicators of the ADX, 0–100. */
  plusDi: number;
  minusDi: number;
  /** Average volume of the last `volumeRecent` and of the last `volumeBaseline` bars. */
  volumeRecentAvg: number;
  volumeBaselineAvg: number;
  /** Swing highs and lows (lookback `swingLookback`) in the last `levelWindow` bars, oldest first. */
  swingHighs: number[];
  swingLows: number[];
}

/**
 * Feeds every bar (oldest first) through the indicators and reads them at the newest bar. The
 * caller checks that there are enough bars (`ANALYSIS_MIN_CANDLES`); an indicator that is
 * still unstable here is a bug in that bound and throws.
 */
export function measureIndicators(bars: readonly NumericBar[]): IndicatorSnapshot {
  const rsi = new RSI(PERIODS.rsi);
  const macd = new MACD(new EMA(PERIODS.macdFast), new EMA(PERIODS.macdSlow), new EMA(PERIODS.macdSignal));
  const ema9 = new EMA(PERIODS.emaFast);
  const ema21 = new EMA(PERIODS.emaShort);
  const ema50 = new EMA(PERIODS.emaMedium);
  const ema200 = new EMA(PERIODS.emaLong);
  const atr = new ATR(PERIODS.atr);
  const bollinger = new BollingerBands(PERIODS.bollinger, PERIODS.bollingerDeviations);
  const adx = new ADX(PERIODS.adx);
  const volumeRecent = new SMA(PERIODS.volumeRecent);
  const volumeBaseline = new SMA(PERIODS.volumeBaseline);
  const swingHigh = new SwingHigh({ lookback: PERIODS.swingLookback });
  const swingLow = new SwingLow({ lookback: PERIODS.swingLookback });

  const ema50History: number[] = [];
  const swingHighs: number[] = [];
  const swingLows: number[] = [];
  const levelWindowStart = bars.length - PERIODS.levelWindow;
  for (const [i, bar] of bars.entries()) {
    rsi.add(bar.close);
    macd.add(bar.close);
    ema9.add(bar.close);
    ema21.add(bar.close);
    ema200.add(bar.close);
    const ema50Value = ema50.add(bar.close);
    if (ema50Value !== null) ema50History.push(ema50Value);
    atr.add(bar);
    bollinger.add(bar.close);
    adx.add(bar);
    volumeRecent.add(bar.volume);
    volumeBaseline.add(bar.volume);
    if (i >= levelWindowStart) {
      // Only recent swings make levels. A pivot is confirmed `swingLookback` bars after it
      // formed, so the newest possible level is that many bars old.
      const high = swingHigh.add(bar);
      const low = swingLow.add(bar);
      if (high !== null) swingHighs.push(high);
      if (low !== null) swingLows.push(low);
    }
  }

  const macdResult = macd.getResultOrThrow();
  const ema50Earlier = ema50History[ema50History.length - 1 - PERIODS.emaSlopeBars];
  const close = bars[bars.length - 1]?.close;
  if (ema50Earlier === undefined || close === undefined)
    throw new Error('measureIndicators needs at least emaSlopeBars + 1 bars');
  const plusDi = adx.pdi;
  const minusDi = adx.mdi;
  if (typeof plusDi !== 'number' || typeof minusDi !== 'number')
    throw new Error('ADX directional indicators are not stable');
  return {
    close,
    rsi14: rsi.getResultOrThrow(),
    macd: { line: macdResult.macd, signal: macdResult.signal, histogram: macdResult.histogram },
    ema9: ema9.getResultOrThrow(),
    ema21: ema21.getResultOrThrow(),
    ema50: ema50.getResultOrThrow(),
    ema200: ema200.getResultOrThrow(),
    ema50Earlier,
    atr14: atr.getResultOrThrow(),
    bollinger: bollinger.getResultOrThrow(),
    adx14: adx.getResultOrThrow(),
    plusDi: 100 * plusDi,
    minusDi: 100 * minusDi,
    volumeRecentAvg: volumeRecent.getResultOrThrow(),
    volumeBaselineAvg: volumeBaseline.getResultOrThrow(),
    swingHighs,
    swingLows,
  };
}
