import type { PayloadInput } from '../../src/bus/message-catalog.ts';

/** A candle payload that passes the real schema; override what the test is about. */
export function aCandle(overrides: Partial<PayloadInput<'market.candle_closed'>> = {}): PayloadInput<'market.candle_closed'> {
  return {
    timeframe: '1h',
    openTimeMs: 1_656_630_000_000,
    open: '18868.2',
    high: '19979.4',
    low: '18861.2',
    close: '19949.9',
    volume: '613.27165649',
    trades: 3421,
    gapFilled: false,
    ...overrides,
  };
}

export function aTaSignal(overrides: Partial<PayloadInput<'ta.signal_emitted'>> = {}): PayloadInput<'ta.signal_emitted'> {
  return {
    timeframe: '1h',
    candleOpenTimeMs: 1_656_630_000_000,
    bias: 'long',
    confidence: 0.7,
    indicators: { rsi: 61.2 },
    ...overrides,
  };
}
