import { readFileSync } from 'node:fs';
import { Decimal } from 'decimal.js';
import type { TaCandle } from '../../../src/agents/ta/ta-candle.ts';

/** The slices in `test/fixtures/candles` (see SOURCES.md there) and the pair each one holds. */
export const CANDLE_FIXTURES = {
  'btc-usd-1h-bull': 'BTC/USD',
  'btc-usd-1h-bear': 'BTC/USD',
  'btc-usd-1h-quiet': 'BTC/USD',
  'xrp-usd-1h-ranging': 'XRP/USD',
} as const;
export type CandleFixture = keyof typeof CANDLE_FIXTURES;

/**
 * Reads a Kraken OHLCVT slice (`time,open,high,low,close,volume,trades`, time in seconds, no
 * header) as 1h `TaCandle`s, oldest first.
 */
export function readCandleFixture(name: CandleFixture): TaCandle[] {
  const text = readFileSync(new URL(`../../fixtures/candles/${name}.csv`, import.meta.url), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [time, open, high, low, close, volume, trades] = line.split(',');
      if (trades === undefined) throw new Error(`${name}: malformed line "${line}"`);
      return {
        symbol: CANDLE_FIXTURES[name],
        timeframe: '1h',
        openTimeMs: Number(time) * 1000,
        // Normalised through Decimal: the source writes an occasional "1E+1".
        open: decimal(open),
        high: decimal(high),
        low: decimal(low),
        close: decimal(close),
        volume: decimal(volume),
        trades: Number(trades),
        gapFilled: Number(trades) === 0,
      };
    });
}

function decimal(value: string | undefined): string {
  return new Decimal(value ?? 'NaN').toFixed();
}

/**
 * A synthetic series: closes 1000, 1001, 1002, … (one step per hour), each bar's high and low
 * one above and below its close, constant volume. Its indicators have closed forms.
 */
export function aRisingRamp(count: number, overrides: Partial<TaCandle> = {}): TaCandle[] {
  return Array.from({ length: count }, (_, i) => ({
    symbol: 'BTC/USD',
    timeframe: '1h',
    openTimeMs: Date.UTC(2024, 0, 1) + i * 3_600_000,
    open: String(999 + i),
    high: String(1001 + i),
    low: String(999 + i),
    close: String(1000 + i),
    volume: '2',
    trades: 10,
    gapFilled: false,
    ...overrides,
  }));
}
