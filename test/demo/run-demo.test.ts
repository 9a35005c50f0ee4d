import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/run-demo.ts';
import { testRedisUrl } from '../support/test-redis.ts';
import { scaled } from '../support/test-timing.ts';

describe('the demo', () => {
  let dir: string;
  const saved = process.env.REDIS_URL;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgtest-demo-'));
    process.env.REDIS_URL = testRedisUrl;
  });
  afterEach(async () => {
    if (saved === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = saved;
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'replays the same days twice into the same report, with trades, stops and an equity curve',
    async () => {
      const first = await runDemo({ from: '2021-11-01', days: 3, reportDir: dir });
      const second = await runDemo({ from: '2021-11-01', days: 3, reportDir: dir });
      expect(second).toEqual(first);
      // Exactly what the pipeline traded on these days before its replay was made faster
      // (recorded by test/fixtures/replay/record-executions.ts).
      const recorded = JSON.parse(
        await readFile(join(import.meta.dirname, '../fixtures/replay/executions-2021-11-01-3d.json'), 'utf8'),
      );
      expect(first.executions).toEqual(recorded);
      expect(first.executions.fills).toHaveLength(first.trades.fills);
      // The equity change is the strategy's P&L plus the core allocation's, to the cent; the
      // strategy's, counted from its fills, is its positions' realized plus unrealized P&L.
      const money = first.performance.reconciliation;
      expect(money.unexplainedUsd).toBe('0.00');
      expect(Number(money.equityChangeUsd)).toBeCloseTo(Number(first.money.finalEquityUsd) - 10_000, 2);
      expect(
        Math.abs(
          Number(money.strategyPnlUsd) - Number(first.money.realizedPnlUsd) - Number(first.money.unrealizedPnlUsd),
        ),
      ).toBeLessThanOrEqual(0.01);
      expect(first.performance.tradeList).toHaveLength(first.trades.closedPositions + first.trades.openPositions);
      expect(first.period).toEqual({
        from: '2021-11-01T00:00:00.000Z',
        to: '2021-11-04T00:00:00.000Z',
        timeframe: '1h',
        bars: 72,
      });
      expect(first.trades.fills).toBeGreaterThan(0);
      expect(first.equityCurve).toHaveLength(72);
      expect(Object.keys(first.orders)).toEqual(expect.arrayContaining(['entry filled']));
      // The panel's votes, and the coordinator's conflict resolution (its resolver is rules too).
      expect(first.models).toEqual([
        expect.objectContaining({ provider: 'rules', purpose: 'conflict_resolution', outcome: 'ok', reason: null }),
        expect.objectContaining({ provider: 'rules', purpose: 'decision', outcome: 'ok', reason: null }),
      ]);
      // The first portfolio tick moves the starting cash toward the targets, in DCA batches.
      expect(first.rebalances.count).toBe(1);
      expect(first.rebalances.filled).toBeGreaterThan(0);
      expect(first.orders['rebalance filled']).toBe(first.rebalances.filled);
      expect(first.finalTradingState).toBe('RUNNING');
      // The books the replay left are audited into the report (what it finds, the demo command turns into exit code 1).
      expect(first.audit.invariantsChecked).toBe(10);
    },
    // Two replays of 72 bars: about 50 s of CPU, over twice that on a loaded two-core machine.
    scaled(300_000),
  );

  it(
    'replays on to the end after a breaker halts trading, and reports the halt',
    async () => {
      const configFile = join(dir, 'tight-drawdown.yaml');
      // A drawdown of a tenth of a percent halts: the first dip does it.
      await writeFile(configFile, 'risk:\n  breakers:\n    drawdown:\n      thresholdPct: 0.1\n');
      const report = await runDemo({ configFile, from: '2021-11-01', days: 2, reportDir: dir });
      expect(report.finalTradingState).toBe('HALTED');
      expect(report.risk.breakerTrips.map((t) => t.breaker)).toContain('drawdown');
      // Every bar is still valued after the halt.
      expect(report.equityCurve).toHaveLength(48);
      const haltedAt = Date.parse(report.risk.breakerTrips.find((t) => t.breaker === 'drawdown')!.at);
      expect(haltedAt).toBeLessThan(Date.parse(report.period.to) - 3_600_000);
    },
    scaled(120_000),
  );

  it(
    'refuses, before the first bar, a pair the instrument book has no rules for',
    async () => {
      const configFile = join(dir, 'eth-usd.yaml');
      await writeFile(
        configFile,
        [
          'symbols:',
          '  pairs: [ETH/USD]',
          'portfolio:',
          '  targets: { ETH: 50, USD: 50 }',
          'marketData:',
          '  replay:',
          '    files: { ETH/USD: data/market/kraken_XRPUSD_60.csv }',
          '',
        ].join('\n'),
      );
      await expect(runDemo({ configFile, from: '2021-11-01', days: 1, reportDir: dir })).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(
          /^no instrument rules for ETH\/USD \(the paper exchange knows .*XRP\/USD.*\): give its precision and minimums under execution.instruments$/,
        ),
      });
    },
    scaled(60_000),
  );

  it(
    'refuses a period the recordings do not cover, naming it',
    async () => {
      await expect(runDemo({ from: '2030-01-01', to: '2030-01-04', reportDir: dir })).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(/not enough for 72 bars of 1h from 2030-01-01T00:00:00.000Z/),
      });
    },
    scaled(60_000),
  );
});
