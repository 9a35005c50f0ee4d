import { describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { topicStats } from '../../src/bus/bus-stats.ts';
import { aTaSignal } from '../support/builders.ts';
import type { TestBus } from '../support/test-bus.ts';
import { waitFor } from '../support/wait-for.ts';

describe('bus stats', () => {
  let t: TestBus;
  it.override({ busOptions: { config: { maxDeliveries: 1 } } });
  it.beforeEach(({ bus }) => {
    t = bus;
  });

  it('reports length, groups, pending, lag and the per-group counters', async () => {
    const lane = t.keys.busStream('ta_signals');
    await t.redis.xgroup('CREATE', lane, 'slow', '$', 'MKSTREAM');
    await t.bus.subscribe({
      topic: 'ta_signals',
      service: 'picky',
      handler: (m) => {
        if (m.type === 'ta.signal_emitted' && m.payload.bias === 'short') throw new Error('no shorts');
      },
    });
    for (const bias of ['long', 'long', 'short', 'long', 'neutral'] as const) {
      await t.bus.publish('ta.signal_emitted', aTaSignal({ bias }), { symbol: 'BTC/USD' });
    }
    await t.bus.publish('ta.signal_emitted', aTaSignal(), { symbol: 'BTC/USD', priority: 'urgent' });
    await t.redis.xreadgroup('GROUP', 'slow', 'c1', 'COUNT', 2, 'STREAMS', lane, '>');
    await waitFor(
      async () => (await t.bus.stats('ta_signals')).groups.find((g) => g.name === 'picky')?.handled === 5,
      'picky to finish',
    );

    const stats = await t.bus.stats('ta_signals');
    expect(stats).toMatchObject({ topic: 'ta_signals', length: 6, urgentLength: 1, deadLetters: 1 });
    const slow = stats.groups.find((g) => g.name === 'slow');
    expect(slow).toMatchObject({ pending: 2, lag: 3, lagExact: true, consumers: 1, handled: 0 });
    const picky = stats.groups.find((g) => g.name === 'picky');
    expect(picky).toMatchObject({
      pending: 0,
      lag: 0,
      lagExact: true,
      delivered: 6,
      handled: 5,
      failed: 1,
      deadLettered: 1,
    });
  });

  it('reports a topic nobody used as empty', async () => {
    expect(await t.bus.stats('risk_alerts')).toEqual({
      topic: 'risk_alerts',
      length: 0,
      urgentLength: 0,
      deadLetters: 0,
      groups: [],
    });
  });

  it('counts the lag itself where Redis reports none (an undelivered entry deleted)', async () => {
    const lane = t.keys.busStream('ta_signals');
    await t.redis.xgroup('CREATE', lane, 'slow', '$', 'MKSTREAM');
    const ids: string[] = [];
    for (let i = 0; i < 6; i++)
      ids.push((await t.bus.publish('ta.signal_emitted', aTaSignal(), { symbol: 'BTC/USD' })).streamId);
    await t.redis.xreadgroup('GROUP', 'slow', 'c1', 'COUNT', 2, 'STREAMS', lane, '>');
    await t.redis.xdel(lane, ids[3]!);
    const [raw] = (await t.redis.xinfo('GROUPS', lane)) as unknown[][];
    expect(raw![raw!.indexOf('lag') + 1]).toBeNull();

    const slow = (await t.bus.stats('ta_signals')).groups.find((g) => g.name === 'slow');
    expect(slow).toMatchObject({ pending: 2, lag: 3, lagExact: true });
  });

  it('stops counting at the cap and says the lag is at least that', async () => {
    const lane = t.keys.busStream('ta_signals');
    await t.redis.xgroup('CREATE', lane, 'behind', '$', 'MKSTREAM');
    await t.redis.xgroup('CREATE', lane, 'never-read', '$', 'MKSTREAM');
    for (let i = 0; i < 6; i++) await t.bus.publish('ta.signal_emitted', aTaSignal(), { symbol: 'BTC/USD' });
    await t.redis.xreadgroup('GROUP', 'behind', 'c1', 'COUNT', 1, 'STREAMS', lane, '>');

    const stats = await topicStats(t.redis, t.keys, 'ta_signals', { lagCap: 3 });
    expect(stats.groups.find((g) => g.name === 'behind')).toMatchObject({ lag: 3, lagExact: false });
    // Everything on the stream is after a group that never read: the length is the exact lag.
    expect(stats.groups.find((g) => g.name === 'never-read')).toMatchObject({ lag: 6, lagExact: true });
  });
});
