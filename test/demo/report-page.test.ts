import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoReport } from '../../src/demo/demo-report.ts';
import { renderDemoReportHtml } from '../../src/demo/render-demo-report.ts';
import { aPerformanceSection } from '../support/builders.ts';
import { launchChromium } from '../support/launch-chromium.ts';
import { scaled } from '../support/test-timing.ts';

const HOUR_MS = 3_600_000;
const FROM_MS = Date.UTC(2021, 10, 1);

const report: DemoReport = {
  period: {
    from: new Date(FROM_MS).toISOString(),
    to: new Date(FROM_MS + 48 * HOUR_MS).toISOString(),
    timeframe: '1h',
    bars: 48,
  },
  pairs: ['BTC/USD'],
  cashAsset: 'USD',
  signals: {},
  coordinator: {},
  risk: {
    approved: 1,
    denied: 0,
    denialsByRule: {},
    breakerTrips: [
      { breaker: 'drawdown', at: new Date(FROM_MS + 30 * HOUR_MS + 60_000).toISOString(), lossPct: '5.10' },
    ],
  },
  finalTradingState: 'HALTED',
  orders: {},
  trades: { fills: 2, closedPositions: 1, wins: 0, losses: 1, openPositions: 0 },
  money: {
    startingEquityUsd: '10000.00',
    finalEquityUsd: '9500.00',
    returnPct: '-5.00',
    realizedPnlUsd: '-500.00',
    unrealizedPnlUsd: '0.00',
    feesUsd: '2.00',
    maxDrawdownPct: '5.10',
  },
  rebalances: { count: 0, approved: 0, denied: 0, filled: 0 },
  models: [],
  equityCurve: Array.from({ length: 48 }, (_, i) => [FROM_MS + i * HOUR_MS, (10_000 - i * 10).toFixed(2)]),
  audit: { violations: [], invariantsChecked: 10 },
  executions: { orders: [], fills: [] },
  performance: aPerformanceSection({
    tradeList: [
      {
        symbol: 'BTC/USD',
        side: 'long',
        openedAt: new Date(FROM_MS + 5 * HOUR_MS + 60_000).toISOString(),
        closedAt: new Date(FROM_MS + 20 * HOUR_MS + 60_000).toISOString(),
        quantity: '0.1',
        avgEntryPrice: '60000',
        avgExitPrice: '55000',
        reason: 'stop_loss',
        pnlUsd: '-500.00',
        feesUsd: '2.00',
        hours: '15.0',
      },
    ],
  }),
};

describe('the demo report page, in Chromium', () => {
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    browser = await launchChromium();
    dir = await mkdtemp(join(tmpdir(), 'tgtest-report-page-'));
  }, scaled(60_000));
  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'draws the equity and drawdown charts from the file alone, with dated axes and every marker',
    async () => {
      const file = join(dir, 'report.html');
      await writeFile(file, renderDemoReportHtml(report));
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(file).href);
      await page.waitForFunction(
        () => (globalThis as unknown as { reportCharts?: unknown[] }).reportCharts?.length === 2,
      );
      const drawn = await page.evaluate(() => {
        type ChartLike = {
          data: { datasets: { label: string; data: unknown[] }[] };
          scales: { x: { ticks: { label: string }[] } };
        };
        const charts = (globalThis as unknown as { reportCharts: ChartLike[] }).reportCharts;
        return charts.map((c) => ({
          series: c.data.datasets.map((d) => [d.label, d.data.length]),
          ticks: c.scales.x.ticks.map((t) => t.label),
        }));
      });
      expect(errors).toEqual([]);
      // The page asked for nothing but itself.
      expect(requests).toEqual([pathToFileURL(file).href]);
      expect(drawn[0]!.series).toEqual([
        ['equity (USD)', 48],
        ['holding the targets (USD)', 0],
        ['entries', 1],
        ['exits', 1],
        ['breaker trips', 1],
      ]);
      expect(drawn[1]!.series).toEqual([['drawdown (%)', 48]]);
      for (const chart of drawn) {
        expect(chart.ticks.length).toBeGreaterThan(2);
        for (const tick of chart.ticks) expect(tick).toMatch(/^2021-11-0[1-2] (00|06|12|18):00$/);
      }
      await context.close();
    },
    scaled(60_000),
  );
});
