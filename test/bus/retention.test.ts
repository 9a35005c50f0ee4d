import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aCandle } from '../support/builders.ts';
import { createTestBus, type TestBus } from '../support/test-bus.ts';
import { waitFor } from '../support/wait-for.ts';

describe('retention', () => {
  let t: TestBus;
  beforeEach(async () => {
    t = await createTestBus({
      config: { retention: { maxLen: 100, maxAgeMs: 60_000, intervalMs: 60_000, dlqMaxLen: 100 } },
    });
  });
  afterEach(async () => t.cleanup());

  const lane = () => t.keys.busStream('market_data');
  const publishN = async (n: number) => {
    for (let i = 0; i < n; i++)
      await t.bus.publish('market.candle_closed', aCandle({ openTimeMs: i }), { symbol: 'BTC/USD' });
  };

  it('trims by length when every group has acked', async () => {
    let handled = 0;
    await t.bus.subscribe({ topic: 'market_data', service: 'ta-agent', handler: () => void (handled += 1) });
    await publishN(250);
    await waitFor(() => handled === 250, 'all handled');
    await waitFor(async () => ((await t.redis.xpending(lane(), 'ta-agent')) as unknown[])[0] === 0, 'all acked');
    expect(await t.bus.trim('market_data')).toBe(150);
    expect(await t.redis.xlen(lane())).toBe(100);
  });

  it('trims by age using the stream ids', async () => {
    const old = Date.now() - 3_600_000;
    for (let i = 0; i < 5; i++) await t.redis.xadd(lane(), `${old + i}-0`, 'k', 'v');
    await publishN(3);
    expect(await t.bus.trim('market_data')).toBe(5);
    expect(await t.redis.xlen(lane())).toBe(3);
  });

  it('never removes an entry that is still pending, nor one not yet delivered to a group', async () => {
    // A group that read 30 messages and acked none, and a group that has read nothing.
    await t.redis.xgroup('CREATE', lane(), 'stuck', '$', 'MKSTREAM');
    await publishN(250);
    await t.redis.xreadgroup('GROUP', 'stuck', 'c1', 'COUNT', 30, 'STREAMS', lane(), '>');
    const all = await t.redis.xrange(lane(), '-', '+');
    const oldestPending = all[0]![0];
    expect(await t.bus.trim('market_data')).toBe(0);
    expect((await t.redis.xrange(lane(), '-', '+', 'COUNT', 1))[0]![0]).toBe(oldestPending);

    // Once the first 20 are acked, only they may go.
    await t.redis.xack(lane(), 'stuck', ...all.slice(0, 20).map(([id]) => id));
    expect(await t.bus.trim('market_data')).toBe(20);
    expect((await t.redis.xrange(lane(), '-', '+', 'COUNT', 1))[0]![0]).toBe(all[20]![0]);

    // Acking all 30 read ones still keeps the 220 the group has not read yet.
    await t.redis.xack(lane(), 'stuck', ...all.slice(20, 30).map(([id]) => id));
    expect(await t.bus.trim('market_data')).toBe(10);
    expect(await t.redis.xlen(lane())).toBe(220);
  });
});
