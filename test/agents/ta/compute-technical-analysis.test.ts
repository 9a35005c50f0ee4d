import { ADX, ATR, BollingerBands, EMA, MACD, RSI } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { TaSignalEmitted } from '../../../src/agents/ta/contract/ta-signal-emitted.ts';
import { InsufficientDataError } from '../../../src/agents/kit/insufficient-data-error.ts';
import { ANALYSIS_MIN_CANDLES } from '../../../src/agents/periods/analysis-periods.ts';
import { computeTechnicalAnalysis } from '../../../src/agents/ta/compute-technical-analysis.ts';
import { TaOutput } from '../../../src/agents/ta/ta-output.ts';
import { TriplegainError } from '../../../src/shared/triplegain-error.ts';
import { aRisingRamp, CANDLE_FIXTURES, readCandleFixture, type CandleFixture } from './candle-fixtures.ts';

const FIXTURES = Object.keys(CANDLE_FIXTURES) as CandleFixture[];

describe('computeTechnicalAnalysis', () => {
  describe('indicator values', () => {
    it('gives the closed-form values of a steadily rising series', () => {
      // Closes rise by 1 a bar, each bar spans close ± 1. In steady state an EMA(n) lags the
      // close by (n − 1) / 2, so MACD(12, 26) = 12.5 − 5.5 = 7; every true range is 2; every
      // move is a gain (RSI 100) and a higher high (+DI only, ADX 100).
      const candles = aRisingRamp(300);
      const close = 1299;
      const { indicators: ind, ...ta } = computeTechnicalAnalysis(candles);

      expect(ta.close).toBe('1299.00000000');
      expect(ind.rsi14).toBe(100);
      expect(Number(ind.ema.ema9)).toBeCloseTo(close - 4, 6);
      expect(Number(ind.ema.ema21)).toBeCloseTo(close - 10, 6);
      expect(Number(ind.macd.line)).toBeCloseTo(7, 6);
      expect(Number(ind.macd.signal)).toBeCloseTo(7, 6);
      expect(Number(ind.macd.histogram)).toBeCloseTo(0, 6);
      expect(ind.atr14).toBe('2.00000000');
      // SMA20 of the last 20 closes, ± 2 population standard deviations of 0…19 (√33.25).
      expect(Number(ind.bollinger.middle)).toBeCloseTo(close - 9.5, 6);
      expect(Number(ind.bollinger.upper) - Number(ind.bollinger.middle)).toBeCloseTo(2 * Math.sqrt(33.25), 6);
      expect(ind.adx14).toEqual({ adx: 100, plusDi: 50, minusDi: 0 });
      expect(ind.volume).toEqual({ recentAvg: '2.00000000', baselineAvg: '2.00000000', ratio: 1, trend: 'flat' });
      // A strictly rising series has no pivot, so there is no swing level on either side.
      expect(ind.levels).toEqual({ support: [], resistance: [] });
      expect(ta.bias).toBe('long');
    });

    it.each(FIXTURES)('matches trading-signals run on the same bars (%s)', (name) => {
      const candles = readCandleFixture(name);
      const ind = computeTechnicalAnalysis(candles).indicators;

      const lib = {
        rsi: new RSI(14),
        macd: new MACD(new EMA(12), new EMA(26), new EMA(9)),
        ema9: new EMA(9),
        ema200: new EMA(200),
        atr: new ATR(14),
        bb: new BollingerBands(20, 2),
        adx: new ADX(14),
      };
      for (const c of candles) {
        const bar = { high: Number(c.high), low: Number(c.low), close: Number(c.close) };
        lib.rsi.add(bar.close);
        lib.macd.add(bar.close);
        lib.ema9.add(bar.close);
        lib.ema200.add(bar.close);
        lib.atr.add(bar);
        lib.bb.add(bar.close);
        lib.adx.add(bar);
      }
      const macd = lib.macd.getResultOrThrow();
      const bb = lib.bb.getResultOrThrow();
      expect(ind.rsi14).toBeCloseTo(lib.rsi.getResultOrThrow(), 4);
      expect(ind.adx14.adx).toBeCloseTo(lib.adx.getResultOrThrow(), 4);
      expect(ind.macd).toEqual({
        line: macd.macd.toFixed(8),
        signal: macd.signal.toFixed(8),
        histogram: macd.histogram.toFixed(8),
      });
      expect(ind.ema.ema9).toBe(lib.ema9.getResultOrThrow().toFixed(8));
      expect(ind.ema.ema200).toBe(lib.ema200.getResultOrThrow().toFixed(8));
      expect(ind.atr14).toBe(lib.atr.getResultOrThrow().toFixed(8));
      expect(ind.bollinger).toEqual({
        lower: bb.lower.toFixed(8),
        middle: bb.middle.toFixed(8),
        upper: bb.upper.toFixed(8),
      });
    });

    it.each(FIXTURES)('keeps every value in its range and passes the ta.signal_emitted schema (%s)', (name) => {
      const ta = computeTechnicalAnalysis(readCandleFixture(name));
      const ind = ta.indicators;
      const close = Number(ta.close);

      expect(TaSignalEmitted.payload.parse(ta)).toEqual(ta);
      expect(ind.rsi14).toBeGreaterThanOrEqual(0);
      expect(ind.rsi14).toBeLessThanOrEqual(100);
      expect(Number(ind.bollinger.lower)).toBeLessThanOrEqual(Number(ind.bollinger.middle));
      expect(Number(ind.bollinger.middle)).toBeLessThanOrEqual(Number(ind.bollinger.upper));
      expect(Number(ind.atr14)).toBeGreaterThan(0);
      for (const level of ind.levels.support) expect(Number(level)).toBeLessThan(close);
      for (const level of ind.levels.resistance) expect(Number(level)).toBeGreaterThan(close);
      expect(ind.levels.support.map(Number)).toEqual(ind.levels.support.map(Number).sort((a, b) => b - a));
      expect(ind.levels.resistance.map(Number)).toEqual(ind.levels.resistance.map(Number).sort((a, b) => a - b));
      expect(ta.confidence).toBeGreaterThanOrEqual(0);
      expect(ta.confidence).toBeLessThanOrEqual(1);
    });

    it('writes prices as decimal strings with 8 fractional digits, also for sub-dollar pairs', () => {
      const ta = computeTechnicalAnalysis(readCandleFixture('xrp-usd-1h-ranging'));
      for (const price of [
        ta.close,
        ta.indicators.ema.ema50,
        ta.indicators.macd.histogram,
        ta.indicators.atr14,
        ...ta.indicators.levels.support,
      ]) {
        expect(price).toMatch(/^-?\d+\.\d{8}$/);
      }
      expect(ta.close).toBe('0.29431000');
    });
  });

  describe('bias', () => {
    it('is long, with a confident score, at the end of the December 2020 BTC bull run', () => {
      const ta = computeTechnicalAnalysis(readCandleFixture('btc-usd-1h-bull'));
      expect(ta.bias).toBe('long');
      expect(ta.confidence).toBeGreaterThan(0.6);
      expect(ta.scores.trend).toBe(1);
    });

    it('is short, with a confident score, in the April–May 2022 BTC sell-off', () => {
      const ta = computeTechnicalAnalysis(readCandleFixture('btc-usd-1h-bear'));
      expect(ta.bias).toBe('short');
      expect(ta.confidence).toBeGreaterThan(0.6);
      expect(ta.scores.trend).toBe(-1);
    });

    it('is neutral when XRP moves sideways', () => {
      const ta = computeTechnicalAnalysis(readCandleFixture('xrp-usd-1h-ranging'));
      expect(ta.bias).toBe('neutral');
      expect(ta.confidence).toBeGreaterThan(0.5);
    });
  });

  describe('history', () => {
    it(`needs ${ANALYSIS_MIN_CANDLES} candles: EMA(200) plus its warm-up`, () => {
      const candles = readCandleFixture('btc-usd-1h-bull');
      expect(() => computeTechnicalAnalysis(candles.slice(-ANALYSIS_MIN_CANDLES))).not.toThrow();

      const attempt = () => computeTechnicalAnalysis(candles.slice(-(ANALYSIS_MIN_CANDLES - 1)));
      expect(attempt).toThrow(InsufficientDataError);
      expect(attempt).toThrow(
        `technical analysis of BTC/USD 1h needs at least ${ANALYSIS_MIN_CANDLES} candles, got ${ANALYSIS_MIN_CANDLES - 1}`,
      );
      expect(attempt).toThrow(
        expect.objectContaining({
          code: 'NOT_FOUND',
          retryable: false,
          needed: ANALYSIS_MIN_CANDLES,
          got: ANALYSIS_MIN_CANDLES - 1,
        }),
      );
    });

    it('needs the configured minimum when it is higher', () => {
      const candles = readCandleFixture('btc-usd-1h-bull').slice(-260);
      expect(() => computeTechnicalAnalysis(candles, { minCandles: 300 })).toThrow(
        'needs at least 300 candles, got 260',
      );
      expect(() => computeTechnicalAnalysis(candles, { minCandles: 100 })).not.toThrow();
    });

    it('says how many it needs when given no candle at all', () => {
      expect(() => computeTechnicalAnalysis([])).toThrow(
        `technical analysis needs at least ${ANALYSIS_MIN_CANDLES} candles, got 0`,
      );
    });

    it('speaks for the newest bar and uses all the history it is given', () => {
      const candles = readCandleFixture('btc-usd-1h-bull');
      const full = computeTechnicalAnalysis(candles);
      const shorter = computeTechnicalAnalysis(candles.slice(-ANALYSIS_MIN_CANDLES));
      expect(full.candleOpenTimeMs).toBe(candles.at(-1)!.openTimeMs);
      expect(shorter.candleOpenTimeMs).toBe(full.candleOpenTimeMs);
      // Bollinger reads only the last 20 closes; EMA(200) moves with the longer warm-up.
      expect(shorter.indicators.bollinger).toEqual(full.indicators.bollinger);
      expect(shorter.indicators.ema.ema200).not.toBe(full.indicators.ema.ema200);
    });
  });

  it('is deterministic: the same candles give an identical output', () => {
    const candles = readCandleFixture('btc-usd-1h-bear');
    const first = computeTechnicalAnalysis(candles);
    const second = computeTechnicalAnalysis(structuredClone(candles));
    expect(second).toStrictEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(TaOutput.parse(first)).toStrictEqual(first);
  });

  it('refuses candles that are not one series in ascending time', () => {
    const candles = readCandleFixture('btc-usd-1h-bull');
    const swapped = [...candles];
    [swapped[10], swapped[11]] = [swapped[11]!, swapped[10]!];
    expect(() => computeTechnicalAnalysis(swapped)).toThrow(/candle 11 opens at \d+, not after the previous one/);

    const mixed = candles.map((c, i) => (i === 5 ? { ...c, symbol: 'XRP/USD' } : c));
    expect(() => computeTechnicalAnalysis(mixed)).toThrow('candle 5 is XRP/USD 1h, expected BTC/USD 1h');

    const garbled = candles.map((c, i) => (i === 7 ? { ...c, close: 'n/a' } : c));
    expect(() => computeTechnicalAnalysis(garbled)).toThrow(expect.objectContaining({ code: 'MESSAGE_INVALID' }));
    expect(() => computeTechnicalAnalysis(garbled)).toThrow(TriplegainError);
  });
});
