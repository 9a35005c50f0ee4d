import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/audit-report.ts';
import type { DemoReport } from '../../src/demo/demo-report.ts';
import { publishDemoReport } from '../../src/demo/publish-demo-report.ts';
import { aPerformanceSection } from '../support/builders.ts';

const HOUR_MS = 3_600_000;
const FROM_MS = Date.UTC(2021, 10, 1);

/** A one-bar report with nothing traded; the replay itself is run-demo.test.ts's business. */
const reportWith = (audit: AuditReport): DemoReport => ({
  period: {
    from: new Date(FROM_MS).toISOString(),
    to: new Date(FROM_MS + HOUR_MS).toISOString(),
    timeframe: '1h',
    bars: 1,
  },
  pairs: ['BTC/USD'],
  cashAsset: 'USD',
  signals: {},
  coordinator: {},
  risk: { approved: 0, denied: 0, denialsByRule: {}, breakerTrips: [] },
  finalTradingState: 'RUNNING',
  orders: {},
  trades: { fills: 0, closedPositions: 0, wins: 0, losses: 0, openPositions: 0 },
  money: {
    startingEquityUsd: '10000.00',
    finalEquityUsd: '10000.00',
    returnPct: '0.00',
    realizedPnlUsd: '0.00',
    unrealizedPnlUsd: '0.00',
    feesUsd: '0.00',
    maxDrawdownPct: '0.00',
  },
  rebalances: { count: 0, approved: 0, denied: 0, filled: 0 },
  models: [],
  equityCurve: [[FROM_MS, '10000.00']],
  audit,
  executions: { orders: [], fills: [] },
  performance: aPerformanceSection(),
});

describe('publishDemoReport', () => {
  let dir: string;
  let printed: string[];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgtest-demo-report-'));
    printed = [];
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const publish = (audit: AuditReport) =>
    publishDemoReport(reportWith(audit), {
      reportDir: join(dir, 'reports'),
      print: (text) => printed.push(text),
    });

  it('prints the audit line last and exits 0 when the books it left are clean', async () => {
    expect((await publish({ violations: [], invariantsChecked: 10 })).exitCode).toBe(0);
    expect(printed.join('\n').split('\n').at(-1)).toBe('audit: 0 violations (10 invariants checked)');
    const name = 'demo-BTC-USD-1h-2021-11-01-2021-11-01';
    const json = JSON.parse(await readFile(join(dir, 'reports', `${name}.json`), 'utf8')) as DemoReport;
    expect(json.audit).toEqual({ violations: [], invariantsChecked: 10 });
    expect(await readFile(join(dir, 'reports', `${name}.html`), 'utf8')).toContain('<html');
  });

  it('names the files after the pairs, timeframe and period, and never writes over an earlier report', async () => {
    const first = await publish({ violations: [], invariantsChecked: 10 });
    const second = await publish({ violations: [], invariantsChecked: 10 });
    const third = await publish({ violations: [], invariantsChecked: 10 });
    expect([first, second, third].map((p) => p.base)).toEqual(
      ['', '-2', '-3'].map((n) => join(dir, 'reports', `demo-BTC-USD-1h-2021-11-01-2021-11-01${n}`)),
    );
    expect((await readdir(join(dir, 'reports'))).sort()).toHaveLength(9);
    expect(second.htmlPath).toBe(`${second.base}.html`);
    expect(printed[1]).toContain(`report        ${second.htmlPath}`);
    expect(printed[1]).toContain(`data          ${second.jsonPath}`);
    expect(printed[1]).toContain(`trades        ${second.base}.trades.csv`);
  });

  it('exits 1 when the audit found a violation, which the text and JSON reports show', async () => {
    const violation = {
      invariant: 'position_protected',
      message: 'The open long position of 0.01 BTC/USD (position 1) has no stop.',
      rows: [{ position_id: 1 }],
    };
    expect((await publish({ violations: [violation], invariantsChecked: 10 })).exitCode).toBe(1);
    expect(printed.join('\n').split('\n').slice(-2)).toEqual([
      '  [position_protected] The open long position of 0.01 BTC/USD (position 1) has no stop.',
      'audit: 1 violations (10 invariants checked)',
    ]);
    const json = JSON.parse(
      await readFile(join(dir, 'reports', 'demo-BTC-USD-1h-2021-11-01-2021-11-01.json'), 'utf8'),
    ) as DemoReport;
    expect(json.audit.violations).toEqual([violation]);
  });
});
