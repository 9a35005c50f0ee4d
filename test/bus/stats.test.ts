import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTaSignal } from '../support/builders.ts';
import { createTestBus, type TestBus } from '../support/test-bus.ts';
import { waitFor } from '../support/wait-for.ts';

describe('bus stats', () => {
  let t: TestBus;
  beforeEach(async () => {
    t = await createTestBus({ config: { maxDeliveries: 1 } });
  });
  afterEach(async () => t.cleanup());

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
    await waitFor(async () => (await t.bus.stats('ta_signals')).groups.find((g) => g.name === 'picky')?.handled === 5, 'picky to finish');

    const stats = await t.bus.stats('ta_signals');
    expect(stats).toMatchObject({ topic: 'ta_signals', length: 6, urgentLength: 1, deadLetters: 1 });
    const slow = stats.groups.find((g) => g.name === 'slow');
    expect(slow).toMatchObject({ pending: 2, lag: 3, consumers: 1, handled: 0 });
    const picky = stats.groups.find((g) => g.name === 'picky');
    expect(picky).toMatchObject({ pending: 0, lag: 0, delivered: 6, handled: 5, failed: 1, deadLettered: 1 });
  });

  it('reports a topic nobody used as empty', async () => {
    expect(await t.bus.stats('risk_alerts')).toEqual({ topic: 'risk_alerts', length: 0, urgentLength: 0, deadLetters: 0, groups: [] });
  });
});
