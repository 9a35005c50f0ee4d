import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKrakenFixtureServer, type KrakenFixtureServer } from '../support/kraken-fixture-server.ts';
import { runCli } from '../support/run-cli.ts';
import { scaled } from '../support/test-timing.ts';

describe('triplegain data download', () => {
  let dir: string;
  let server: KrakenFixtureServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgtest-data-download-'));
    server = await startKrakenFixtureServer();
    env = {
      DATABASE_URL: '',
      TRIPLEGAIN__DATABASE__PGLITE_DIR: join(dir, 'pglite'),
      TRIPLEGAIN__MARKET_DATA__KRAKEN__BASE_URL: server.url,
    };
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it(
    "stores Kraken's closed bars through ccxt, says when Kraken's 720-bar window starts after --since, and lists them",
    async () => {
      // The recorded OHLC answer: 721 one-minute BTC/USDT bars to 2025-11-11 00:17, the last one still forming.
      const downloaded = await runCli(
        env,
        ['data', 'download', '--pair', 'BTC/USDT', '--timeframe', '1m', '--since', '2025-11-01'],
        scaled(60_000),
      );
      expect(downloaded.code, downloaded.stderr).toBe(0);
      expect(downloaded.stdout.trim()).toBe(
        "BTC/USDT 1m: 720 bars from 2025-11-10 12:17 to 2025-11-11 00:16, 720 new; Kraken's OHLC serves only its last 720 bars, so they begin at 2025-11-10 12:17, not 2025-11-01 00:00: for older history, import Kraken's downloadable OHLCVT files (`data import`)",
      );
      const ohlc = server.requests.filter((r) => r.path === '/0/public/OHLC');
      expect(ohlc.length).toBeGreaterThanOrEqual(1);
      expect(ohlc[0]!.query.get('interval')).toBe('1');

      const listed = await runCli(env, ['data', 'list'], scaled(60_000));
      expect(listed.stdout).toContain('BTC/USDT    1m         720       2025-11-10 12:17  2025-11-11 00:16');

      const unknown = await runCli(
        env,
        ['data', 'download', '--pair', 'BTC/USDT', '--timeframe', '2h'],
        scaled(30_000),
      );
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('--timeframe "2h": expected one of 1m, 5m, 15m, 30m, 1h, 4h, 1d, 1w');
    },
    scaled(120_000),
  );
});
