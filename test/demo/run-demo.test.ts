import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/run-demo.ts';
import { testRedisUrl } from '../support/test-redis.ts';

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

  it('replays the same days twice into the same report, with trades, stops and an equity curve', async () => {
    const first = await runDemo({ from: '2021-11-01', days: 3, reportDir: dir });
    const second = await runDemo({ from: '2021-11-01', days: 3, reportDir: dir });
    expect(second).toEqual(first);
    expect(first.period).toEqual({ from: '2021-11-01T00:00:00.000Z', to: '2021-11-04T00:00:00.000Z', bars: 72 });
    expect(first.trades.fills).toBeGreaterThan(0);
    expect(first.equityCurve).toHaveLength(72);
    expect(Object.keys(first.orders)).toEqual(expect.arrayContaining(['entry filled']));
    expect(first.models).toEqual([expect.objectContaining({ provider: 'rules', outcome: 'ok' })]);
  }, 120_000);

  it('refuses a period the recordings do not cover, naming it', async () => {
    await expect(runDemo({ from: '2030-01-01', days: 3, reportDir: dir })).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(/not enough for 3 days from 2030-01-01/) });
  }, 60_000);
});
