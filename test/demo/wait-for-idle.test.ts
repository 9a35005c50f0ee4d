import { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitForIdle, type IdleWatch } from '../../src/demo/wait-for-idle.ts';
import { createTestRedis, type TestRedis } from '../support/test-redis.ts';

/** What `waitForIdle` would say is busy: it throws naming it when the timeout is already spent. */
async function busyParts(t: TestRedis, watch: IdleWatch): Promise<string> {
  try {
    await waitForIdle(t.redis, t.keys, watch, { timeoutMs: -1 });
    return 'idle';
  } catch (err) {
    return (err as Error).message.replace(/^still busy after -1 ms: /, '');
  }
}

describe('waiting for the replay to be idle', () => {
  let t: TestRedis;
  let ta: Queue;
  let portfolio: Queue;
  beforeEach(async () => {
    t = await createTestRedis();
    ta = new Queue('ta', { connection: t.redis, prefix: t.keys.queuePrefix });
    portfolio = new Queue('portfolio', { connection: t.redis, prefix: t.keys.queuePrefix });
  });
  afterEach(async () => {
    await ta.close();
    await portfolio.close();
    await t.cleanup();
  });

  const watch = (): IdleWatch => ({
    queues: [ta, portfolio],
    marketTimed: [portfolio],
    groups: [['market_data', 'positions']],
  });

  it('is idle with nothing queued and nothing on the topics', async () => {
    expect(await busyParts(t, watch())).toBe('idle');
  });

  it('names a waiting job, and a delayed one unless its queue waits for market time', async () => {
    await ta.add('run', {}, { jobId: 'a' });
    await ta.add('run', {}, { jobId: 'b', delay: 60_000 });
    await portfolio.add('tick', {}, { jobId: 'c', delay: 60_000 });
    expect(await busyParts(t, watch())).toBe('queue ta: wait 1, delayed 1');
    await portfolio.add('tick', {}, { jobId: 'd' });
    expect(await busyParts(t, watch())).toBe('queue ta: wait 1, delayed 1; queue portfolio: wait 1');
  });

  it('counts only the active jobs of a paused queue (the kill switch starts nothing)', async () => {
    await ta.add('run', {}, { jobId: 'a' });
    await ta.pause();
    expect(await busyParts(t, watch())).toBe('idle');
    await ta.resume();
    expect(await busyParts(t, watch())).toBe('queue ta: wait 1');
  });

  it('waits for a group to be created on a topic with entries, to read them all and to ack them', async () => {
    const lane = t.keys.busStream('market_data');
    await t.redis.xadd(lane, '*', 'f', '1');
    expect(await busyParts(t, watch())).toBe('group market_data/positions: not created');
    await t.redis.xgroup('CREATE', lane, 'positions', '0');
    expect(await busyParts(t, watch())).toBe('group market_data/positions: entries not delivered');
    const read = (await t.redis.xreadgroup('GROUP', 'positions', 'w1', 'STREAMS', lane, '>')) as [
      string,
      [string, string[]][],
    ][];
    const id = read[0]![1][0]![0];
    expect(await busyParts(t, watch())).toBe('group market_data/positions: pending 1');
    await t.redis.xack(lane, 'positions', id);
    expect(await busyParts(t, watch())).toBe('idle');
    // The urgent lane is watched as well.
    await t.redis.xadd(t.keys.busUrgentStream('market_data'), '*', 'f', '2');
    expect(await busyParts(t, watch())).toBe('group market_data/positions: not created');
  });

  it('returns as soon as the last part is done', async () => {
    await ta.add('run', {}, { jobId: 'a' });
    const idle = waitForIdle(t.redis, t.keys, watch(), { timeoutMs: 10_000 });
    await (await ta.getJob('a'))!.remove();
    await expect(idle).resolves.toBeUndefined();
  });
});
