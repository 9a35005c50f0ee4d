import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { aTaSignal } from '../support/builders.ts';
import { projectRoot } from '../support/spawn-ts.ts';
import type { TestBus } from '../support/test-bus.ts';
import { waitFor } from '../support/wait-for.ts';

const run = promisify(execFile);

describe('triplegain bus …', () => {
  let t: TestBus;
  it.override({ busOptions: { config: { maxDeliveries: 3 } } });
  it.beforeEach(({ bus }) => {
    t = bus;
  });

  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['bin/triplegain.mjs', ...args], {
        cwd: projectRoot,
        env: { ...process.env, REDIS_URL: t.url, TRIPLEGAIN__REDIS__KEY_PREFIX: t.prefix },
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('publishes a valid message and refuses an invalid one naming the field', async () => {
    const ok = await cli('bus', 'publish', 'ta_signals', '--symbol', 'BTC/USD', '--json', JSON.stringify(aTaSignal()));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^published ta\.signal_emitted [0-9a-f-]{36} as \d+-\d+ on ta_signals/);
    const bad = await cli(
      'bus',
      'publish',
      'ta_signals',
      '--symbol',
      'BTC/USD',
      '--json',
      JSON.stringify(aTaSignal({ confidence: 2 })),
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/payload\.confidence/);
    expect(await t.redis.xlen(t.keys.busStream('ta_signals'))).toBe(1);
    const tail = await cli('bus', 'tail', 'ta_signals', '--no-follow');
    expect(tail.stdout).toMatch(/ta\.signal_emitted {2}BTC\/USD {2}cli {2}\{"timeframe":"1h"/);
  });

  it('lists dead letters and replays them onto the topic', async () => {
    let healthy = false;
    const handled: string[] = [];
    await t.bus.subscribe({
      topic: 'ta_signals',
      service: 'coordinator',
      handler: (m) => {
        if (!healthy) throw new Error('poison');
        handled.push(m.id);
      },
    });
    const poison = await t.bus.publish('ta.signal_emitted', aTaSignal(), { symbol: 'BTC/USD' });
    await waitFor(async () => (await t.redis.xlen(t.keys.dlq('ta_signals'))) === 1, 'the dead letter');

    const list = await cli('bus', 'dlq', 'list', 'ta_signals');
    expect(list.stdout).toMatch(/coordinator +handler_failed +3 +ta\.signal_emitted +Error: poison/);

    healthy = true;
    const replay = await cli('bus', 'dlq', 'replay', 'ta_signals');
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('replayed 1 dead letter(s) onto ta_signals');
    await waitFor(() => handled.includes(poison.id), 'the replayed message to be handled');

    const stats = JSON.parse((await cli('bus', 'stats', '--json')).stdout) as {
      topic: string;
      groups: { name: string; deadLettered: number; handled: number }[];
    }[];
    expect(stats.find((s) => s.topic === 'ta_signals')!.groups[0]).toMatchObject({
      name: 'coordinator',
      deadLettered: 1,
      handled: 1,
    });
  });
});
