import { describe, expect, it } from 'vitest';
import { RegimeDetected } from '../../../src/agents/regime/contract/regime-detected.ts';
import { InsufficientDataError } from '../../../src/agents/kit/insufficient-data-error.ts';
import { detectRegime, type RegimeSettings } from '../../../src/agents/regime/detect-regime.ts';
import { RegimeOutput } from '../../../src/agents/regime/regime-output.ts';
import { ANALYSIS_MIN_CANDLES } from '../../../src/agents/periods/analysis-periods.ts';
import type { TaCandle } from '../../../src/agents/ta/ta-candle.ts';
import { AgentsConfig } from '../../../src/config/sections/agents-config.ts';
import { aRisingRamp, CANDLE_FIXTURES, readCandleFixture, type CandleFixture } from '../ta/candle-fixtures.ts';

const defaults: RegimeSettings = AgentsConfig.parse({}).regime;

/** Bars around 100 that swing ±4 % from one hour to the next, with no trend. */
function aWhipsaw(count: number): TaCandle[] {
  return aRisingRamp(count).map((c, i) => {
    const close = i % 2 === 0 ? 104 : 96;
    return { ...c, open: String(200 - close), high: String(close + 1), low: String(close - 9), close: String(close) };
  });
}

describe('detectRegime', () => {
  it.each<[CandleFixture, string]>([
    ['btc-usd-1h-bull', 'trending_bull'],
    ['btc-usd-1h-bear', 'trending_bear'],
    ['btc-usd-1h-quiet', 'quiet'],
    ['xrp-usd-1h-ranging', 'ranging'],
  ])('reads %s as %s', (name, regime) => {
    const output = detectRegime(readCandleFixture(name), defaults);
    expect(output.regime).toBe(regime);
    expect(output.confidence).toBeGreaterThanOrEqual(0.5);
    expect(output.confidence).toBeLessThanOrEqual(1);
  });

  it('calls a trend only when ADX is strong and the EMAs agree', () => {
    const bull = detectRegime(readCandleFixture('btc-usd-1h-bull'), defaults);
    expect(bull.metrics!.adx).toBeGreaterThanOrEqual(defaults.adxTrendThreshold);
    expect(bull.metrics!.emaAlignment).toBeGreaterThanOrEqual(0.5);
    expect(bull.metrics!.ema50SlopePct).toBeGreaterThan(0);

    // The same bars with a threshold above their ADX are no longer a trend.
    const stricter = detectRegime(readCandleFixture('btc-usd-1h-bull'), {
      ...defaults,
      adxTrendThreshold: Math.ceil(bull.metrics!.adx) + 1,
    });
    expect(stricter.regime).not.toBe('trending_bull');
  });

  it('reads wide bars as volatile, whatever the trend', () => {
    const output = detectRegime(aWhipsaw(300), defaults);
    expect(output.metrics!.atrPct).toBeGreaterThanOrEqual(defaults.volatilityHighPct);
    expect(output).toMatchObject({ regime: 'volatile', confidence: 1 });

    // The bull run's ATR % is above a threshold set just below it: volatile beats trending.
    const bull = readCandleFixture('btc-usd-1h-bull');
    const { atrPct } = detectRegime(bull, defaults).metrics!;
    expect(
      detectRegime(bull, { ...defaults, volatilityLowPct: atrPct / 4, volatilityHighPct: atrPct * 0.99 }).regime,
    ).toBe('volatile');
  });

  it('reads the quiet slice from both ATR % and Bollinger width under their low thresholds', () => {
    const candles = readCandleFixture('btc-usd-1h-quiet');
    const quiet = detectRegime(candles, defaults);
    expect(quiet.metrics!.atrPct).toBeLessThanOrEqual(defaults.volatilityLowPct);
    expect(quiet.metrics!.bandWidthPct).toBeLessThanOrEqual(defaults.bandWidthLowPct);
    // With the band-width bar below the measured width, the same bars only range.
    expect(detectRegime(candles, { ...defaults, bandWidthLowPct: quiet.metrics!.bandWidthPct / 2 }).regime).toBe(
      'ranging',
    );
  });

  it.each(Object.keys(CANDLE_FIXTURES) as CandleFixture[])(
    'passes the regime.detected schema and is deterministic (%s)',
    (name) => {
      const candles = readCandleFixture(name);
      const output = detectRegime(candles, defaults);
      expect(RegimeDetected.payload.parse(output)).toStrictEqual(output);
      expect(RegimeOutput.parse(output)).toStrictEqual(output);
      expect(detectRegime(structuredClone(candles), defaults)).toStrictEqual(output);
      expect(output.candleOpenTimeMs).toBe(candles.at(-1)!.openTimeMs);
      expect(output.timeframe).toBe('1h');
    },
  );

  it('refuses too short a history, naming needed and got', () => {
    const candles = readCandleFixture('xrp-usd-1h-ranging').slice(-100);
    const attempt = () => detectRegime(candles, defaults);
    expect(attempt).toThrow(InsufficientDataError);
    expect(attempt).toThrow(`regime detection of XRP/USD 1h needs at least ${ANALYSIS_MIN_CANDLES} candles, got 100`);
    expect(() => detectRegime(readCandleFixture('xrp-usd-1h-ranging'), defaults, { minCandles: 500 })).toThrow(
      'needs at least 500 candles, got 400',
    );
  });
});
