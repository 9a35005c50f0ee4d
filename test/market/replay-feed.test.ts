import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/clock.ts';
import { SimulatedClock } from '../../src/clock/simulated-clock.ts';
import { ReplayFeed } from '../../src/market/replay-feed.ts';
import { projectRoot } from '../support/spawn-ts.ts';
import { sleep } from '../support/wait-for.ts';

const HOUR = 3_600_000;
const recorded = { 'BTC/USD': 'data/market/kraken_XBTUSD_60.csv', 'XRP/USD': 'data/market/kraken_XRPUSD_60.csv' };

describe('ReplayFeed over the recorded Kraken files', () => {
  const clock = new ManualClock(Date.UTC(2022, 4, 10, 12));
  const feed = new ReplayFeed({ files: recorded, timeframe: '1h', clock, rootDir: projectRoot });
  beforeAll(() => feed.load(), 30_000);

  it('never returns a bar that has not closed by the clock', async () => {
    const open = Date.UTC(2022, 4, 10, 12);
    clock.set(open + HOUR - 1);
    expect((await feed.latestClosed('BTC/USD', 1))[0]!.openTimeMs).toBe(open - HOUR);
    clock.set(open + HOUR);
    expect((await feed.latestClosed('BTC/USD', 1))[0]!.openTimeMs).toBe(open);

    for (let now = Date.UTC(2022, 4, 9); now < Date.UTC(2022, 4, 14); now += 17 * 60_000) {
      clock.set(now);
      for (const symbol of ['BTC/USD', 'XRP/USD']) {
        const latest = await feed.latestClosed(symbol, 5);
        expect(latest).toHaveLength(5);
        expect(latest.at(-1)!.openTimeMs + HOUR).toBeLessThanOrEqual(now);
        expect(latest.at(-1)!.openTimeMs + 2 * HOUR).toBeGreaterThan(now);
        const since = await feed.closedCandles(symbol, now - 6 * HOUR);
        expect(since.every((c) => c.openTimeMs + HOUR <= now && c.openTimeMs >= now - 6 * HOUR)).toBe(true);
      }
    }
  });

  it('answers each pair with its own bars only', async () => {
    clock.set(Date.UTC(2022, 5, 1));
    const btc = await feed.latestClosed('BTC/USD', 24);
    const xrp = await feed.latestClosed('XRP/USD', 24);
    expect(btc.every((c) => c.symbol === 'BTC/USD')).toBe(true);
    expect(xrp.every((c) => c.symbol === 'XRP/USD')).toBe(true);
    expect(btc.map((c) => c.openTimeMs)).toEqual(xrp.map((c) => c.openTimeMs));
    expect(Number(btc[0]!.close)).toBeGreaterThan(10_000);
    expect(Number(xrp[0]!.close)).toBeLessThan(10);
  });

  it('fills the 49-hour XRP pause as Kraken would, up to the clock', async () => {
    clock.set(Date.UTC(2022, 4, 12, 12));
    const latest = await feed.latestClosed('XRP/USD', 3);
    expect(latest.map((c) => [c.openTimeMs, c.close, c.volume, c.gapFilled])).toEqual([
      [Date.UTC(2022, 4, 12, 9), '0.507', '0', true],
      [Date.UTC(2022, 4, 12, 10), '0.507', '0', true],
      [Date.UTC(2022, 4, 12, 11), '0.507', '0', true],
    ]);
    clock.set(Date.UTC(2022, 4, 13, 1));
    const pause = await feed.closedCandles('XRP/USD', Date.UTC(2022, 4, 10, 22));
    expect(pause).toHaveLength(51);
    expect(pause.filter((c) => c.gapFilled)).toHaveLength(49);
    expect(pause.at(-1)).toMatchObject({ openTimeMs: Date.UTC(2022, 4, 13, 0), close: '0.39194', gapFilled: false });
  });

  it('returns nothing before the recording starts and stops at its end', async () => {
    clock.set(Date.UTC(2017, 4, 18, 15) + HOUR - 1);
    expect(await feed.latestClosed('XRP/USD', 10)).toEqual([]);
    expect(await feed.closedCandles('XRP/USD')).toEqual([]);
    clock.set(Date.UTC(2030, 0, 1));
    const last = await feed.latestClosed('XRP/USD', 2);
    expect(last.map((c) => c.openTimeMs)).toEqual([Date.UTC(2022, 5, 30, 22), Date.UTC(2022, 5, 30, 23)]);
    expect(await feed.range('XRP/USD')).toEqual({
      firstOpenTimeMs: Date.UTC(2017, 4, 18, 15),
      lastOpenTimeMs: Date.UTC(2022, 5, 30, 23),
    });
  });

  it('hands out bars nobody can rewrite', async () => {
    clock.set(Date.UTC(2022, 5, 1));
    const [bar] = await feed.latestClosed('BTC/USD', 1);
    expect(() => {
      (bar as { close: string }).close = '1';
    }).toThrow(TypeError);
    expect((await feed.latestClosed('BTC/USD', 1))[0]!.close).not.toBe('1');
  });

  it('refuses a pair without a recording and a count that is not a whole number', async () => {
    await expect(feed.latestClosed('ETH/USD', 1)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/no replay file for ETH\/USD/),
    });
    await expect(feed.latestClosed('BTC/USD', -1)).rejects.toThrow(RangeError);
  });
});

describe('ReplayFeed with its own files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgtest-replay-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const T0 = Date.UTC(2024, 0, 1);
  const row = (hour: number, close: string) => `${(T0 + hour * HOUR) / 1000},${close},${close},${close},${close},1.5,2`;

  it('reads each file once, even for concurrent first queries', async () => {
    const file = join(dir, 'once.csv');
    await writeFile(file, `${row(0, '10')}\n${row(1, '11')}\n`);
    const feed = new ReplayFeed({
      files: { 'BTC/USD': file },
      timeframe: '1h',
      clock: new ManualClock(T0 + 10 * HOUR),
    });
    const [a, b] = await Promise.all([feed.latestClosed('BTC/USD', 5), feed.closedCandles('BTC/USD')]);
    await unlink(file);
    expect(a.map((c) => c.close)).toEqual(['10', '11']);
    expect(b).toEqual(a);
    expect(await feed.latestClosed('BTC/USD', 1)).toEqual([a[1]]);
  });

  it('reads a file again after a failed read', async () => {
    const file = join(dir, 'later.csv');
    const feed = new ReplayFeed({
      files: { 'BTC/USD': file },
      timeframe: '1h',
      clock: new ManualClock(T0 + 10 * HOUR),
    });
    await expect(feed.latestClosed('BTC/USD', 1)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await writeFile(file, `${row(0, '10')}\n`);
    expect(await feed.latestClosed('BTC/USD', 1)).toHaveLength(1);
  });

  it('reports a malformed file with its line', async () => {
    const file = join(dir, 'bad.csv');
    await writeFile(file, `${row(0, '10')}\n${row(1, '11')},extra\n`);
    const feed = new ReplayFeed({
      files: { 'BTC/USD': file },
      timeframe: '1h',
      clock: new ManualClock(T0 + 10 * HOUR),
    });
    await expect(feed.latestClosed('BTC/USD', 1)).rejects.toMatchObject({ code: 'DATA_INVALID', details: { line: 2 } });
  });

  it('has no range for an empty recording', async () => {
    const file = join(dir, 'empty.csv');
    await writeFile(file, '');
    const feed = new ReplayFeed({ files: { 'BTC/USD': file }, timeframe: '1h', clock: new ManualClock(T0) });
    expect(await feed.latestClosed('BTC/USD', 3)).toEqual([]);
    await expect(feed.range('BTC/USD')).rejects.toMatchObject({ code: 'DATA_INVALID' });
  });

  it('plays hours of market in a fraction of a second under a fast simulated clock', async () => {
    const file = join(dir, 'fast.csv');
    await writeFile(file, Array.from({ length: 48 }, (_, h) => row(h, String(100 + h))).join('\n') + '\n');
    const clock = new SimulatedClock({ startMs: T0 + HOUR, speed: 72_000 }); // 20 market hours per wall second
    const feed = new ReplayFeed({ files: { 'BTC/USD': file }, timeframe: '1h', clock });
    expect((await feed.latestClosed('BTC/USD', 1)).map((c) => c.close)).toEqual(['100']);
    await sleep(300);
    const later = await feed.latestClosed('BTC/USD', 100);
    expect(later.length).toBeGreaterThanOrEqual(6);
    expect(later.at(-1)!.openTimeMs + HOUR).toBeLessThanOrEqual(clock.now());
  });
});

describe('ReplayFeed from the candle store', () => {
  const bar = (hour: number, close: string) => ({
    symbol: 'ETH/USDT',
    timeframe: '1h' as const,
    openTimeMs: Date.UTC(2024, 0, 1) + hour * HOUR,
    open: close,
    high: close,
    low: close,
    close,
    volume: '1',
    trades: 1,
    gapFilled: false,
  });

  it('plays the stored bars of a pair without a file, quiet hours filled, and says how to import one it lacks', async () => {
    const asked: string[] = [];
    const clock = new ManualClock(Date.UTC(2024, 0, 1) + 4 * HOUR);
    const feed = new ReplayFeed({
      files: {},
      timeframe: '1h',
      clock,
      stored: async (symbol) => {
        asked.push(symbol);
        return symbol === 'ETH/USDT' ? [bar(0, '10'), bar(2, '12')] : [];
      },
    });
    expect((await feed.latestClosed('ETH/USDT', 5)).map((c) => [c.close, c.gapFilled])).toEqual([
      ['10', false],
      ['10', true],
      ['12', false],
    ]);
    await expect(feed.latestClosed('SOL/USDT', 1)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message:
        'no replay file for SOL/USDT (marketData.replay.files has none) and no 1h bars of it in the candle store: import some with `triplegain data import FILE --pair SOL/USDT --timeframe 1h`',
    });
    // Read once per pair.
    await feed.latestClosed('ETH/USDT', 1);
    expect(asked).toEqual(['ETH/USDT', 'SOL/USDT']);
  });
});
