import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { krakenAccountId, krakenAccountKeys } from '../../src/kraken/kraken-account-keys.ts';
import { createKeys } from '../../src/keys.ts';
import { REQUIRED_KEY_PERMISSIONS } from '../../src/live/check-key-permissions.ts';
import { aKrakenClient } from '../kraken/kraken-builders.ts';
import {
  krakenTimeBody,
  startKrakenFixtureServer,
  type KrakenFixtureServer,
} from '../support/kraken-fixture-server.ts';
import {
  balanceExOf,
  krakenPrivateFixtureBodies,
  startKrakenPrivateServer,
  TEST_API_KEY,
  TEST_API_SECRET,
  type KrakenPrivateServer,
} from '../support/kraken-private-server.ts';
import { runCli } from '../support/run-cli.ts';
import { createTestRedis, deleteKeysWithPrefix, type TestRedis } from '../support/test-redis.ts';
import { scaled } from '../support/test-timing.ts';

const docs = (name: string): { error: string[]; result: Record<string, unknown> } =>
  JSON.parse(readFileSync(new URL(`../fixtures/kraken/private/kraken-docs/${name}`, import.meta.url), 'utf8')) as {
    error: string[];
    result: Record<string, unknown>;
  };

/** Kraken's documented `GetApiKeyInfo` example with other rights. */
const apiKeyInfoWith = (permissions: string[]) => {
  const example = docs('get-api-key-info.json');
  return { ...example, result: { ...example.result, permissions } };
};
const TRADING_RIGHTS = Object.keys(REQUIRED_KEY_PERMISSIONS);

/** Kraken's documented `TradeVolume` example, its one pair renamed to the pair these tests trade. */
const tradeVolumeOf = (pairKey: string) =>
  JSON.stringify(docs('trade-volume.json')).replaceAll('"XXBTZUSD"', `"${pairKey}"`);

/** What Kraken answers an AddOrder with `validate=true`: the order described, no txid (hand-made in Kraken's shape). */
const VALIDATED = { error: [], result: { descr: { order: 'buy 0.00005000 XBTUSDT @ limit 105944.2' } } };

/**
 * The pair the recorded public answers cover (Ticker and the 2025 AssetPairs capture are of
 * XBTUSDT), so the account's cash is USDT.
 */
const configYaml = (publicUrl: string, privateUrl: string, extra = '') => `
symbols:
  pairs: [BTC/USDT]
  cashAsset: USDT
portfolio:
  targets: { BTC: 50, USDT: 50 }
marketData:
  kraken:
    baseUrl: ${publicUrl}
    publicRateLimit: { maxCounter: 100, decayPerSec: 100 }
execution:
  kraken:
    baseUrl: ${privateUrl}
    timeoutMs: 5000
${extra}`;

describe('triplegain live check', () => {
  let t: TestRedis;
  let publicServer: KrakenFixtureServer;
  let server: KrakenPrivateServer;
  let dir: string;

  beforeEach(async () => {
    t = await createTestRedis();
    publicServer = await startKrakenFixtureServer();
    server = await startKrakenPrivateServer({
      bodies: {
        ...krakenPrivateFixtureBodies(),
        GetApiKeyInfo: JSON.stringify(apiKeyInfoWith(TRADING_RIGHTS)),
        TradeVolume: tradeVolumeOf('XBTUSDT'),
      },
    });
    // A funded account: cash and some BTC (hand-made in Kraken's BalanceEx shape).
    server.override('BalanceEx', {
      body: balanceExOf(JSON.stringify({ error: [], result: { USDT: '500.0000', XXBT: '0.0100000000' } })),
    });
    server.override('AddOrder', { body: VALIDATED });
    dir = await mkdtemp(join(tmpdir(), 'tgtest-live-check-'));
  });
  afterEach(async () => {
    await Promise.all([server.close(), publicServer.close(), t.cleanup(), rm(dir, { recursive: true, force: true })]);
  });

  async function liveCheck(opts: { extraConfig?: string; env?: Record<string, string> } = {}) {
    const file = join(dir, 'live.yaml');
    await writeFile(file, configYaml(publicServer.url, server.url, opts.extraConfig));
    const env = {
      REDIS_URL: t.url,
      TRIPLEGAIN__REDIS__KEY_PREFIX: t.prefix,
      KRAKEN_API_KEY: TEST_API_KEY,
      KRAKEN_API_SECRET: TEST_API_SECRET,
      ...opts.env,
    };
    const run = await runCli(env, ['-c', file, 'live', 'check'], scaled(60_000));
    const line = (check: string) =>
      run.stdout.split('\n').find((l) => new RegExp(`^(OK|WARN|FAIL) +${check}: `).test(l));
    return { ...run, line };
  }

  const addOrders = () => server.requests.filter((r) => r.method === 'AddOrder');

  it(
    'passes every check of a trading key on a funded account, exits 0, and only ever sends AddOrder with validate=true',
    async () => {
      const { code, stdout, stderr, line } = await liveCheck();
      expect(code, `${stdout}\n${stderr}`).toBe(0);
      const checks = stdout.trim().split('\n');
      expect(checks.at(-1)).toMatch(/^live check: \d+ OK, 0 WARN, 0 FAIL: ready to go live \(no order was placed\)$/);
      expect(
        checks.slice(0, -1).every((l) => l.startsWith('OK ')),
        stdout,
      ).toBe(true);
      for (const check of [
        'clock',
        'permissions',
        'balances',
        'cash',
        'tier',
        'fees',
        'pair BTC/USDT',
        'minimum BTC/USDT',
        'rules BTC/USDT',
        'order BTC/USDT',
        'nonce',
      ]) {
        expect(line(check), `${check} in\n${stdout}`).toBeDefined();
      }
      expect(line('balances')).toContain('equity 1558.99 USDT (USDT 500.0000, BTC 0.0100000000 ≈ 1058.99)');
      expect(line('fees')).toContain('BTC/USDT taker 0.1000% maker 0.0000%');
      // The smallest order Kraken takes, at the bid on the tick grid, checked by Kraken only.
      expect(addOrders().map((r) => Object.fromEntries(r.params))).toEqual([
        expect.objectContaining({
          pair: 'XBTUSDT',
          type: 'buy',
          ordertype: 'limit',
          volume: '0.00005',
          price: '105944.2',
          validate: 'true',
        }),
      ]);
      expect(server.requests.every((r) => r.method !== 'AddOrder' || r.params.get('validate') === 'true')).toBe(true);
      expect(server.requests.map((r) => r.verdict)).not.toContain('invalid-nonce');
      expect(stdout).not.toContain(TEST_API_SECRET);
      expect(stdout).not.toContain(TEST_API_KEY);
    },
    scaled(90_000),
  );

  it(
    'fails without keys, saying how to set them, and asks Kraken nothing',
    async () => {
      const { code, stdout, line } = await liveCheck({ env: { KRAKEN_API_KEY: '', KRAKEN_API_SECRET: '' } });
      expect(code).toBe(1);
      expect(line('keys')).toMatch(
        /^FAIL keys: KRAKEN_API_KEY and KRAKEN_API_SECRET are not set — fix: .*export KRAKEN_API_KEY=<key> and KRAKEN_API_SECRET=<private key>/,
      );
      expect(stdout.trim().split('\n').at(-1)).toMatch(/0 OK, 0 WARN, 1 FAIL: not ready to go live/);
      expect(server.requests).toEqual([]);
      expect(publicServer.requests).toEqual([]);
    },
    scaled(90_000),
  );

  it(
    'refuses a key that may withdraw funds, though it has every trading right',
    async () => {
      server.override('GetApiKeyInfo', { body: apiKeyInfoWith([...TRADING_RIGHTS, 'withdraw-funds']) });
      const { code, stdout, line } = await liveCheck();
      expect(code, stdout).toBe(1);
      expect(line('permissions')).toMatch(
        /^FAIL permissions: the key has Withdraw Funds: .* — fix: create a key under Settings → API on kraken.com without Withdraw Funds/,
      );
      expect(stdout.trim().split('\n').at(-1)).toMatch(/, 1 FAIL: not ready/);
    },
    scaled(90_000),
  );

  it(
    'fails a key without the rights to place and cancel orders, naming them',
    async () => {
      // The documented example's read rights, without modify-trades; Kraken refuses its orders.
      server.override('GetApiKeyInfo', {
        body: apiKeyInfoWith(['query-funds', 'query-open-trades', 'query-closed-trades']),
      });
      server.override('AddOrder', { body: { error: ['EGeneral:Permission denied'] } });
      const { code, stdout, line } = await liveCheck();
      expect(code, stdout).toBe(1);
      expect(line('permissions')).toMatch(
        /^FAIL permissions: the key lacks Create & Modify Orders, Cancel\/Close Orders — fix: edit the key/,
      );
      expect(line('order BTC/USDT')).toMatch(
        /^FAIL order BTC\/USDT: Kraken refused the validate-only limit buy 0.00005 at 105944.2: the key may not do this \(EGeneral:Permission denied\)/,
      );
    },
    scaled(90_000),
  );

  it(
    "fails a pair whose largest configured order is below Kraken's minimum at the current price",
    async () => {
      // XBTUSDT's ordermin 0.00005 at the last price 105899.4 is 5.29497 USDT.
      const { code, stdout, line } = await liveCheck({
        extraConfig: 'risk:\n  minOrderUsd: "1"\n  maxOrderNotionalUsd: "5"\n',
      });
      expect(code, stdout).toBe(1);
      expect(line('minimum BTC/USDT')).toMatch(
        /^FAIL minimum BTC\/USDT: the largest order the config allows, 5.00 USDT \(risk.maxOrderNotionalUsd, risk.maxPositionPct of equity\), is below Kraken's minimum order of 5.30 USDT \(ordermin 0.00005 BTC, costmin 0.5 USDT, at 105899.40000\) — fix: fund the account/,
      );
      expect(stdout.trim().split('\n').at(-1)).toMatch(/, 1 FAIL: not ready/);
    },
    scaled(90_000),
  );

  it(
    "warns, without failing, when only the smallest configured order is below Kraken's minimum (risk denies those)",
    async () => {
      const { code, stdout, line } = await liveCheck({ extraConfig: 'risk:\n  minOrderUsd: "5"\n' });
      expect(code, stdout).toBe(0);
      expect(line('minimum BTC/USDT')).toMatch(
        /^WARN minimum BTC\/USDT: risk.minOrderUsd 5 USDT is below Kraken's minimum order of 5.30 USDT \(ordermin 0.00005 BTC, costmin 0.5 USDT, at 105899.40000\): orders sized between them are denied \(instrument_minimum\), never sent — fix: raise risk.minOrderUsd to at least 5.30$/,
      );
    },
    scaled(90_000),
  );

  it(
    "fails when the local clock is a minute off Kraken's",
    async () => {
      publicServer.override('/0/public/Time', { body: krakenTimeBody(Date.now() - 60_000) });
      const { code, stdout, line } = await liveCheck();
      expect(code, stdout).toBe(1);
      expect(line('clock')).toMatch(
        /^FAIL clock: local clock ahead of Kraken's by (\d+) ms .*more than 5000 ms: .*deadline.* — fix: synchronise the clock with NTP/,
      );
      expect(Number(/by (\d+) ms/.exec(line('clock') ?? '')?.[1])).toBeGreaterThanOrEqual(59_000);
    },
    scaled(90_000),
  );

  it(
    'fails on EAPI:Invalid nonce when something else signed with the key using larger nonces',
    async () => {
      // Another program (here triplegain under another key prefix) used the key with a nonce far
      // above the clock: Kraken now refuses every smaller one.
      const elsewhere = createKeys(`${t.prefix}-elsewhere`);
      await t.redis.set(krakenAccountKeys(elsewhere, krakenAccountId(TEST_API_KEY)).nonce, '9000000000000000');
      try {
        await aKrakenClient({ baseUrl: server.url, redis: t.redis, keys: elsewhere }).call('Balance', {});
      } finally {
        // The other program's keys sit outside the test's prefix, which its clean-up removes.
        await deleteKeysWithPrefix(t.redis, `${t.prefix}-elsewhere`);
      }
      server.reset();

      const { code, stdout, line } = await liveCheck();
      expect(code, stdout).toBe(1);
      expect(line('nonce')).toMatch(
        /^FAIL nonce: Kraken refused the nonce of 4 of 4 private requests \(EAPI:Invalid nonce\).* — fix: give triplegain an API key of its own/,
      );
      expect(line('permissions')).toMatch(
        /^FAIL permissions: GetApiKeyInfo failed: Kraken refused the nonce \(EAPI:Invalid nonce\) — fix: see the nonce line$/,
      );
      expect(server.requests.map((r) => r.verdict)).toEqual([
        'invalid-nonce',
        'invalid-nonce',
        'invalid-nonce',
        'invalid-nonce',
      ]);
    },
    scaled(90_000),
  );
});
