import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';
import { projectRoot } from '../support/spawn-ts.ts';
import { testRedisUrl } from '../support/test-redis.ts';
import { scaled } from '../support/test-timing.ts';

/** Binance 5-minute klines of one hour and a bar, with their header, in milliseconds. */
function klines(): string {
  const t0 = Date.UTC(2024, 0, 1);
  const rows = Array.from({ length: 13 }, (_, i) => {
    const open = 100 + i;
    return [
      t0 + i * 300_000,
      open,
      open + 2,
      open - 1,
      open + 1,
      '1.5',
      t0 + (i + 1) * 300_000 - 1,
      '150',
      3,
      '0',
      '0',
      '0',
    ].join(',');
  });
  return [
    'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_base,taker_quote,ignore',
    ...rows,
  ].join('\n');
}

describe('triplegain data', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgtest-data-cli-'));
    env = { DATABASE_URL: '', TRIPLEGAIN__DATABASE__PGLITE_DIR: join(dir, 'pglite') };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it(
    'imports Binance klines resampled to 1h, refuses a file with a bad row storing none of it, replays an imported pair, and lists the store',
    async () => {
      const good = join(dir, 'ETHUSDT-5m.csv');
      await writeFile(good, klines());
      const imported = await runCli(
        env,
        ['data', 'import', good, '--pair', 'ETH/USDT', '--timeframe', '5m', '--format', 'binance', '--to', '1h'],
        scaled(60_000),
      );
      expect(imported.code, imported.stderr).toBe(0);
      // 13 bars of 5 min: one whole hour (00:00–00:55); 01:00 alone is left out.
      expect(imported.stdout.trim()).toBe(
        'ETH/USDT 1h: 1 bar from 2024-01-01 00:00 to 2024-01-01 00:00, 1 new (13 rows read, 0 gaps filled, resampled from 5m)',
      );

      const bad = join(dir, 'XRP.csv');
      await writeFile(bad, 'time,open,high,low,close,volume\n1704067200,1,2,0.5,1.5,10\n1704070800,1,0.5,2,1,10\n');
      const refused = await runCli(
        env,
        ['data', 'import', bad, '--pair', 'XRP/USD', '--timeframe', '1h', '--format', 'csv'],
        scaled(60_000),
      );
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`error: ${bad}:3: low 2 is above high 0.5`);

      // A pair with no recording is replayed from what was imported: 324 hours of Kraken's
      // XRP/USD recording (300 of history, a day to play), imported as ETH/USDT.
      const recording = (await readFile(join(projectRoot, 'data/market/kraken_XRPUSD_60.csv'), 'utf8')).split('\n');
      const from = recording.findIndex((row) => row.startsWith(String(Date.UTC(2021, 9, 19, 12) / 1000)));
      const eth = join(dir, 'ETHUSDT-1h.csv');
      await writeFile(eth, recording.slice(from, from + 324).join('\n'));
      const ethImport = await runCli(
        env,
        ['data', 'import', eth, '--pair', 'ETH/USDT', '--timeframe', '1h'],
        scaled(60_000),
      );
      expect(ethImport.code, ethImport.stderr).toBe(0);
      const config = join(dir, 'eth.yaml');
      await writeFile(
        config,
        'symbols:\n  pairs: [ETH/USDT]\n  cashAsset: USDT\nportfolio:\n  targets:\n    ETH: 50\n    USDT: 50\n',
      );
      const demo = await runCli(
        { ...env, REDIS_URL: testRedisUrl },
        ['-c', config, 'demo', '--from', '2021-11-01', '--days', '1', '--report-dir', join(dir, 'reports')],
        scaled(120_000),
      );
      expect(demo.code, demo.stderr).toBe(0);
      expect(demo.stdout).toContain('triplegain demo: ETH/USDT, 2021-11-01 → 2021-11-02 (24 bars of 1h per pair)');
      expect(demo.stdout).toMatch(/equity {8}\S+ → \S+ USDT \(/);
      expect(demo.stdout).toMatch(/rebalance filled\s+[1-9]/);
      expect(demo.stdout.trim().split('\n').at(-1)).toBe('audit: 0 violations (10 invariants checked)');

      const listed = await runCli(env, ['data', 'list'], scaled(60_000));
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout.trim().split('\n')).toEqual([
        'pair        timeframe  bars      first             last',
        'ETH/USDT    1h         325       2021-10-19 12:00  2024-01-01 00:00',
      ]);
    },
    scaled(180_000),
  );
});
