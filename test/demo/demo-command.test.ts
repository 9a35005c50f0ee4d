import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditReport } from '../../src/audit/audit-report.ts';
import type { DemoReport } from '../../src/demo/demo-report.ts';

const HOUR_MS = 3_600_000;
const FROM_MS = Date.UTC(2021, 10, 1);

/** The replay itself is the demo test's business (run-demo.test.ts); here it returns a report with `audit`. */
const replayed = vi.hoisted(() => ({ audit: undefined as AuditReport | undefined }));
vi.mock('../../src/demo/run-demo.ts', () => ({
  runDemo: async (): Promise<DemoReport> => ({
    period: { from: new Date(FROM_MS).toISOString(), to: new Date(FROM_MS + HOUR_MS).toISOString(), bars: 1 },
    pairs: ['BTC/USD'],
    signals: {},
    coordinator: {},
    risk: { approved: 0, denied: 0, denialsByRule: {}, breakerTrips: [] },
    finalTradingState: 'RUNNING',
    orders: {},
    trades: { fills: 0, closedPositions: 0, wins: 0, losses: 0, openPositions: 0 },
    money: { startingEquityUsd: '10000.00', finalEquityUsd: '10000.00', returnPct: '0.00', realizedPnlUsd: '0.00', unrealizedPnlUsd: '0.00', feesUsd: '0.00', maxDrawdownPct: '0.00' },
    rebalances: { count: 0, approved: 0, denied: 0, filled: 0 },
    models: [],
    equityCurve: [[FROM_MS, '10000.00']],
    audit: replayed.audit!,
  }),
}));

const { registerDemoCommand } = await import('../../src/cli/commands/demo-command.ts');

describe('triplegain demo', () => {
  let dir: string;
  let printed: string[];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgtest-demo-command-'));
    printed = [];
    vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void printed.push(parts.join(' ')));
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    process.exitCode = undefined;
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function demo(audit: AuditReport): Promise<number | string | undefined> {
    replayed.audit = audit;
    const program = new Command('triplegain').exitOverride();
    registerDemoCommand(program);
    await program.parseAsync(['node', 'triplegain', 'demo', '--days', '1', '--report-dir', dir]);
    return process.exitCode;
  }

  it('prints the audit line last and exits 0 when the books it left are clean', async () => {
    expect(await demo({ violations: [], invariantsChecked: 10 })).toBeUndefined();
    expect(printed.join('\n').split('\n').at(-1)).toBe('audit: 0 violations (10 invariants checked)');
    const json = JSON.parse(await readFile(join(dir, 'demo-2021-11-01-1d.json'), 'utf8')) as DemoReport;
    expect(json.audit).toEqual({ violations: [], invariantsChecked: 10 });
  });

  it('exits 1 when the audit found a violation, which the text and JSON reports show', async () => {
    const violation = { invariant: 'position_protected', message: 'The open long position of 0.01 BTC/USD (position 1) has no stop.', rows: [{ position_id: 1 }] };
    expect(await demo({ violations: [violation], invariantsChecked: 10 })).toBe(1);
    expect(printed.join('\n').split('\n').slice(-2)).toEqual(['  [position_protected] The open long position of 0.01 BTC/USD (position 1) has no stop.', 'audit: 1 violations (10 invariants checked)']);
    const json = JSON.parse(await readFile(join(dir, 'demo-2021-11-01-1d.json'), 'utf8')) as DemoReport;
    expect(json.audit.violations).toEqual([violation]);
  });
});
