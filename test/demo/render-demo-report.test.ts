import { describe, expect, it } from 'vitest';
import type { DemoReport } from '../../src/demo/demo-report.ts';
import { renderDemoReportHtml, renderDemoReportText } from '../../src/demo/render-demo-report.ts';
import { reportChartData } from '../../src/demo/render-report-chart.ts';
import { aPerformanceSection } from '../support/builders.ts';

const HOUR_MS = 3_600_000;
const FROM_MS = Date.UTC(2021, 10, 1);

function aReport(overrides: Partial<DemoReport> = {}): DemoReport {
  return {
    period: {
      from: new Date(FROM_MS).toISOString(),
      to: new Date(FROM_MS + 4 * HOUR_MS).toISOString(),
      timeframe: '1h',
      bars: 4,
    },
    pairs: ['BTC/USD', 'XRP/USD'],
    cashAsset: 'USD',
    signals: { BUY: 1, HOLD: 7 },
    coordinator: { hold: 7, proposed: 1 },
    risk: { approved: 3, denied: 1, denialsByRule: { spot_short: 1 }, breakerTrips: [] },
    finalTradingState: 'RUNNING',
    orders: { 'entry filled': 1, 'rebalance filled': 2 },
    trades: { fills: 3, closedPositions: 0, wins: 0, losses: 0, openPositions: 1 },
    money: {
      startingEquityUsd: '10000.00',
      finalEquityUsd: '9900.00',
      returnPct: '-1.00',
      realizedPnlUsd: '0.00',
      unrealizedPnlUsd: '-12.00',
      feesUsd: '8.00',
      maxDrawdownPct: '1.50',
    },
    rebalances: { count: 1, approved: 2, denied: 0, filled: 2 },
    models: [
      {
        provider: 'rules',
        model: 'rules',
        purpose: 'decision',
        outcome: 'ok',
        calls: 8,
        costUsd: '0.0000',
        reason: null,
      },
      {
        provider: 'strategy',
        model: 'strategy:mine',
        purpose: 'decision',
        outcome: 'invalid',
        calls: 2,
        costUsd: '0.0000',
        reason: 'invalid vote: confidence: Too big: expected number to be <=1',
      },
    ],
    equityCurve: [0, 1, 2, 3].map(
      (i) => [FROM_MS + i * HOUR_MS, ['10000.00', '9950.00', '9850.00', '9900.00'][i]!] as [number, string],
    ),
    audit: { violations: [], invariantsChecked: 10 },
    executions: { orders: [], fills: [] },
    performance: aPerformanceSection(),
    ...overrides,
  };
}

describe('the demo report, rendered', () => {
  it('states the rebalances and that no breaker tripped', () => {
    const text = renderDemoReportText(aReport(), {
      htmlPath: '/reports/demo.html',
      jsonPath: '/reports/demo.json',
      tradesPath: '/reports/demo.trades.csv',
    });
    expect(text).toContain('rebalances    1 (trades: 2 approved, 0 denied, 2 filled)');
    expect(text).toContain('breaker trips (0); trading state at the end: RUNNING\n    (none)');
    expect(text).not.toContain('core allocation is held');
    expect(text).toContain(
      [
        '  report        /reports/demo.html  (chart, trades)',
        '  data          /reports/demo.json  (everything, every order and fill)',
        '  trades        /reports/demo.trades.csv',
      ].join('\n'),
    );
  });

  it('lists model and strategy calls by purpose and outcome, with the most frequent reason of a failed group', () => {
    const text = renderDemoReportText(aReport());

    const lines = text.split('\n');
    const at = lines.indexOf('  model calls');
    expect(lines.slice(at + 1, at + 4)).toEqual([
      '    rules/rules                  decision   ok              8 calls  0.0000 USD',
      '    strategy/strategy:mine       decision   invalid         2 calls  0.0000 USD',
      '      most often: invalid vote: confidence: Too big: expected number to be <=1',
    ]);
  });

  it('states amounts in the cash asset and the bars at their timeframe', () => {
    const report = aReport({ cashAsset: 'USDT', period: { ...aReport().period, timeframe: '1d', bars: 1 } });

    const text = renderDemoReportText(report);
    const html = renderDemoReportHtml(report);

    expect(text.split('\n')[0]).toMatch(/\(1 bar of 1d per pair\)$/);
    expect(text).toContain('  equity        10000.00 → 9900.00 USDT (-1.00 %)');
    expect(text).toMatch(/equity change \S+ USDT = strategy/);
    expect(text).toContain('strategy USDT  fees USDT  core allocation USDT');
    // Only model calls are priced in USD: the vendors bill in dollars.
    expect(text.replace(/calls {2}\d+\.\d+ USD\n/g, '\n')).not.toMatch(/ USD\b/);
    expect(html).toContain('1 bar of 1d per pair. Equity 10000.00 → 9900.00 USDT');
    expect(html).toContain('const cash = "USDT";');
    expect(renderDemoReportText(aReport()).split('\n')[0]).toMatch(/\(4 bars of 1h per pair\)$/);
  });

  it('lists each trip and, after a halt, says what the halt left held', () => {
    const halted = aReport({
      risk: {
        ...aReport().risk,
        breakerTrips: [
          { breaker: 'drawdown', at: new Date(FROM_MS + 2 * HOUR_MS + 60_000).toISOString(), lossPct: '20.03' },
        ],
      },
      finalTradingState: 'HALTED',
    });
    const text = renderDemoReportText(halted);
    expect(text).toContain(
      'breaker trips (1); trading state at the end: HALTED\n    drawdown     2021-11-01 02:01  loss 20.03 %',
    );
    expect(text).toContain('the core allocation is held until an operator resets and resumes');
  });

  it('ends with the audit line, after the violations the audit found, the first ten spelled out', () => {
    expect(renderDemoReportText(aReport()).split('\n').slice(-2)).toEqual([
      '',
      'audit: 0 violations (10 invariants checked)',
    ]);
    const violation = (i: number) => ({
      invariant: 'position_protected',
      message: `The open long position of 0.01 BTC/USD (position ${i}) has no stop.`,
      rows: [],
    });
    const broken = aReport({
      audit: { violations: Array.from({ length: 12 }, (_, i) => violation(i + 1)), invariantsChecked: 10 },
    });
    const lines = renderDemoReportText(broken).split('\n');
    expect(lines.slice(-4)).toEqual([
      '  [position_protected] The open long position of 0.01 BTC/USD (position 9) has no stop.',
      '  [position_protected] The open long position of 0.01 BTC/USD (position 10) has no stop.',
      '  … and 2 more (every one in the JSON report)',
      'audit: 12 violations (10 invariants checked)',
    ]);
  });

  it('charts the equity with each trip, entry and exit at its bar, the drawdown below, all in one self-contained page', () => {
    const halted = aReport({
      risk: {
        ...aReport().risk,
        breakerTrips: [
          { breaker: 'drawdown', at: new Date(FROM_MS + 2 * HOUR_MS + 60_000).toISOString(), lossPct: '20.03' },
        ],
      },
      performance: aPerformanceSection({
        tradeList: [
          {
            symbol: 'BTC/USD',
            side: 'long',
            openedAt: new Date(FROM_MS + HOUR_MS + 60_000).toISOString(),
            closedAt: new Date(FROM_MS + 3 * HOUR_MS + 60_000).toISOString(),
            quantity: '0.01',
            avgEntryPrice: '60000',
            avgExitPrice: '59000',
            reason: 'stop_loss',
            pnlUsd: '-10.12',
            feesUsd: '1.20',
            hours: '2.0',
          },
        ],
      }),
    });
    const data = reportChartData(halted);
    expect(data.equity.map((p) => p.y)).toEqual([10000, 9950, 9850, 9900]);
    // The trip (02:01) is marked on the third bar's equity; the entry on the second's, the exit on the fourth's.
    expect(data.trips).toEqual([
      { x: FROM_MS + 2 * HOUR_MS + 60_000, y: 9850, label: 'drawdown breaker tripped, loss 20.03 %' },
    ]);
    expect(data.entries.map((p) => [p.y, p.label])).toEqual([[9950, 'BTC/USD long 0.01 at 60000']]);
    expect(data.exits.map((p) => [p.y, p.label])).toEqual([[9900, 'BTC/USD stop_loss at 59000: -10.12 USD']]);
    expect(data.drawdown.map((p) => p.y)).toEqual([0, -0.5, -1.5, -1]);

    const html = renderDemoReportHtml(halted);
    expect(html).toMatch(/^<!doctype html>/);
    // Nothing fetched from anywhere: chart.js is inlined.
    expect(html).not.toMatch(/<script[^>]*\ssrc=|<link/);
    expect(html).toContain('<td>stop_loss</td>');
  });
});
