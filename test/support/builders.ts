import type { PayloadInput } from '../../src/bus/message-catalog.ts';
import type { positions } from '../../src/db/schema/positions.ts';
import { NO_PROTECTION } from '../../src/positions/position.ts';
import type { PerformanceSection } from '../../src/demo/performance-section.ts';

/** A candle payload that passes the real schema; override what the test is about. */
export function aCandle(
  overrides: Partial<PayloadInput<'market.candle_closed'>> = {},
): PayloadInput<'market.candle_closed'> {
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

export function aTaSignal(
  overrides: Partial<PayloadInput<'ta.signal_emitted'>> = {},
): PayloadInput<'ta.signal_emitted'> {
  return {
    timeframe: '1h',
    candleOpenTimeMs: 1_656_630_000_000,
    close: '19949.90000000',
    bias: 'long',
    confidence: 0.7,
    scores: { trend: 1, momentum: 0.6, strength: 0.4 },
    indicators: {
      rsi14: 61.2,
      macd: { line: '42.10000000', signal: '30.50000000', histogram: '11.60000000' },
      ema: { ema9: '19420.00000000', ema21: '19310.00000000', ema50: '19250.00000000', ema200: '19800.00000000' },
      atr14: '180.00000000',
      bollinger: { lower: '18700.00000000', middle: '19300.00000000', upper: '19900.00000000' },
      adx14: { adx: 25, plusDi: 28, minusDi: 17 },
      volume: { recentAvg: '450.00000000', baselineAvg: '380.00000000', ratio: 1.1842, trend: 'flat' },
      levels: { support: ['19500.00000000'], resistance: ['20400.00000000'] },
    },
    ...overrides,
  };
}

/** A `positions` row to insert: an open paper long of 0.1 BTC/USD at 50000, unprotected, opened at `at`. */
export function aPositionRow(
  at: Date,
  overrides: Partial<typeof positions.$inferInsert> = {},
): typeof positions.$inferInsert {
  return {
    account: 'paper',
    symbol: 'BTC/USD',
    status: 'open',
    side: 'long',
    quantity: '0.1',
    avgEntryPrice: '50000',
    leverage: '1',
    realizedPnlUsd: '0',
    feesUsd: '0',
    protection: NO_PROTECTION,
    openedAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/** A demo report's performance section with nothing traded. */
export function aPerformanceSection(overrides: Partial<PerformanceSection> = {}): PerformanceSection {
  return {
    reconciliation: {
      equityChangeUsd: '0.00',
      strategyPnlUsd: '0.00',
      strategyFeesUsd: '0.00',
      corePnlUsd: '0.00',
      coreFeesUsd: '0.00',
      cashFlowsUsd: '0.00',
      unexplainedUsd: '0.00',
    },
    benchmarks: { targetsReturnPct: '0.00', pairs: {}, targetsCurve: [] },
    perPair: [],
    tradeList: [],
    statistics: {
      sharpe: null,
      sortino: null,
      maxDrawdownPct: '0.00',
      maxDrawdownPeakAt: null,
      maxDrawdownTroughAt: null,
      closedTrades: 0,
      winRatePct: null,
      profitFactor: null,
      avgWinUsd: null,
      avgLossUsd: null,
      exposurePct: '0.00',
      feeSharePct: null,
    },
    ...overrides,
  };
}
