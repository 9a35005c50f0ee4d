import { describe, expect, it } from 'vitest';
import {
  holdingReturnPct,
  reconcile,
  tradeStatistics,
  type AccountedFill,
  type Trade,
} from '../../src/demo/performance-figures.ts';

const fill = (over: Partial<AccountedFill> & Pick<AccountedFill, 'side' | 'quantity' | 'price' | 'feeUsd'>) =>
  ({ symbol: 'ETH/USD', purpose: 'entry', ...over }) as AccountedFill;

// Worked by hand:
// core: a rebalance buys 1 BTC at 100 (fee 1); BTC ends at 120: -100 - 1 + 120 = 19.
// strategy: buys 2 ETH at 50 (fee 0.5), sells them at 60 (fee 0.6): -100 - 0.5 + 120 - 0.6 = 18.9;
//   buys 1 ETH at 55 (fee 0.25), still held, ETH ends at 58: -55 - 0.25 + 58 = 2.75. Together 21.65.
// 1000 + 19 + 21.65 = 1040.65.
const FILLS: AccountedFill[] = [
  fill({ symbol: 'BTC/USD', purpose: 'rebalance', side: 'buy', quantity: '1', price: '100', feeUsd: '1' }),
  fill({ side: 'buy', quantity: '2', price: '50', feeUsd: '0.5' }),
  fill({ purpose: 'exit', side: 'sell', quantity: '2', price: '60', feeUsd: '0.6' }),
  fill({ side: 'buy', quantity: '1', price: '55', feeUsd: '0.25' }),
];
const END = { 'BTC/USD': '120', 'ETH/USD': '58' };

describe("the demo report's figures", () => {
  it('splits the equity change into the strategy and the core allocation, with nothing unexplained', () => {
    const r = reconcile({ fills: FILLS, endPrices: END, startingEquityUsd: '1000', finalEquityUsd: '1040.65' });
    expect(r.corePnlUsd.toString()).toBe('19');
    expect(r.coreFeesUsd.toString()).toBe('1');
    expect(r.strategyPnlUsd.toString()).toBe('21.65');
    expect(r.strategyFeesUsd.toString()).toBe('1.35');
    expect(r.equityChangeUsd.toString()).toBe('40.65');
    expect(r.unexplainedUsd.toString()).toBe('0');
  });

  it('shows what the fills do not account for', () => {
    const r = reconcile({ fills: FILLS, endPrices: END, startingEquityUsd: '1000', finalEquityUsd: '1040' });
    expect(r.unexplainedUsd.toString()).toBe('-0.65');
  });

  it('refuses to value a holding without an end price', () => {
    expect(() =>
      reconcile({ fills: FILLS, endPrices: { 'BTC/USD': '120' }, startingEquityUsd: '1000', finalEquityUsd: '0' }),
    ).toThrow('no end price for ETH/USD');
  });

  it('values holding the targets from the first prices to the last, cash kept as cash', () => {
    // Half in BTC (100 → 120: +20 %), half in cash: +10 %.
    expect(holdingReturnPct({ BTC: 50, USD: 50 }, { BTC: '100' }, { BTC: '120' }).toString()).toBe('10');
    expect(holdingReturnPct({ 'BTC/USD': 100 }, { 'BTC/USD': '100' }, { 'BTC/USD': '90' }).toString()).toBe('-10');
  });

  it('computes the ratios, drawdown with its dates, trade statistics and exposure', () => {
    const HOUR = 3_600_000;
    const at = (h: number, m = 0) => new Date(h * HOUR + m * 60_000).toISOString();
    const trade = (over: Partial<Trade>): Trade => ({
      symbol: 'ETH/USD',
      side: 'long',
      openedAt: at(0, 1),
      closedAt: at(0, 30),
      quantity: '1',
      avgEntryPrice: '1',
      avgExitPrice: '1',
      reason: 'exit',
      pnlUsd: '0',
      feesUsd: '0',
      hours: '0.5',
      ...over,
    });
    const stats = tradeStatistics({
      // 1000 → 1100 → 990 → 1089: returns +10 %, -10 %, +10 %.
      equityCurve: [
        [0, '1100'],
        [HOUR, '990'],
        [2 * HOUR, '1089'],
      ],
      startingEquityUsd: '1000',
      barsPerYear: 1,
      barMs: HOUR,
      trades: [
        trade({ pnlUsd: '18.9' }),
        trade({ openedAt: at(1, 1), closedAt: at(1, 2), pnlUsd: '-5' }),
        // Open after the last bar: no exposure, not closed.
        trade({ openedAt: at(3, 1), closedAt: null, reason: null, pnlUsd: '0' }),
      ],
    });
    // mean 1/30; sample std sqrt((2·(1/15)² + (2/15)²)/2) = 0.11547; downside sqrt(0.01/3) = 0.057735.
    expect(stats.sharpe!.toFixed(4)).toBe('0.2887');
    expect(stats.sortino!.toFixed(4)).toBe('0.5774');
    expect(stats.maxDrawdown.pct.toString()).toBe('10');
    expect(stats.maxDrawdown).toMatchObject({ peakAtMs: 0, troughAtMs: HOUR });
    expect(stats.closedTrades).toBe(2);
    expect(stats.winRatePct!.toString()).toBe('50');
    expect(stats.profitFactor!.toString()).toBe('3.78');
    expect(stats.avgWinUsd!.toString()).toBe('18.9');
    expect(stats.avgLossUsd!.toString()).toBe('-5');
    expect(stats.exposurePct.toFixed(2)).toBe('66.67');
  });
});
