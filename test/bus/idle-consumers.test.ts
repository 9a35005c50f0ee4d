import { describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { removeIdleConsumers } from '../../src/bus/remove-idle-consumers.ts';
import { aCandle } from '../support/builders.ts';
import { type TestBus } from '../support/test-bus.ts';
import { waitFor } from '../support/wait-for.ts';

type ConsumerInfo = { name: string; pending: number; idle: number };

describe('idle consumers', () => {
  let t: TestBus;
  it.beforeEach(({ bus }) => {
    t = bus;
  });

  async function consumers(lane: string, group: string): Promise<ConsumerInfo[]> {
    const rows = (await t.redis.xinfo('CONSUMERS', lane, group)) as unknown[][];
    return rows.map((row) => {
      const at = (field: string) => row[row.indexOf(field) + 1];
      return { name: String(at('name')), pending: Number(at('pending')), idle: Number(at('idle')) };
    });
  }
  const names = async (lane: string, group: string) => (await consumers(lane, group)).map((c) => c.name).sort();

  it('removes a consumer that read a message and died, once the message is claimed and it stayed idle', async () => {
    const lane = t.keys.busStream('market_data');
    await t.redis.xgroup('CREATE', lane, 'positions', '$', 'MKSTREAM');
    const message = await t.bus.publish('market.candle_closed', aCandle(), { symbol: 'BTC/USD' });
    await t.redis.xreadgroup('GROUP', 'positions', 'doomed', 'COUNT', 1, 'STREAMS', lane, '>');

    const handled: { id: string; deliveryCount: number }[] = [];
    await t.bus.subscribe({
      topic: 'market_data',
      service: 'positions',
      consumer: 'survivor',
      overrides: { claimIdleMs: 200, claimIntervalMs: 50, consumerIdleMs: 400 },
      handler: (m, ctx) => void handled.push({ id: m.id, deliveryCount: ctx.deliveryCount }),
    });
    await waitFor(() => handled.length === 1, 'the survivor to handle the claimed message');
    expect(handled).toEqual([{ id: message.id, deliveryCount: 2 }]);
    await waitFor(async () => !(await names(lane, 'positions')).includes('doomed'), 'the dead consumer to be removed');
    expect(await names(lane, 'positions')).toEqual(['survivor']);
  });

  it('keeps a consumer that still holds a pending message, however long it has been idle', async () => {
    const lane = t.keys.busStream('market_data');
    await t.redis.xgroup('CREATE', lane, 'positions', '$', 'MKSTREAM');
    await t.bus.publish('market.candle_closed', aCandle(), { symbol: 'BTC/USD' });
    await t.redis.xreadgroup('GROUP', 'positions', 'holder', 'COUNT', 1, 'STREAMS', lane, '>');
    // Idle since after the holder: whenever a pass removes it, the holder has been idle longer.
    await t.redis.xgroup('CREATECONSUMER', lane, 'positions', 'empty');

    await t.bus.subscribe({
      topic: 'market_data',
      service: 'positions',
      consumer: 'survivor',
      // The holder's message is never claimed within the test.
      overrides: { claimIdleMs: 60_000, claimIntervalMs: 50, consumerIdleMs: 300 },
      handler: () => undefined,
    });
    await waitFor(
      async () => !(await names(lane, 'positions')).includes('empty'),
      'the empty idle consumer to be removed',
    );
    const holder = (await consumers(lane, 'positions')).find((c) => c.name === 'holder');
    expect(holder).toMatchObject({ pending: 1 });
    expect(holder!.idle).toBeGreaterThan(300);
  });

  it('never removes the consumer that runs the pass', async () => {
    const lane = t.keys.busStream('market_data');
    await t.redis.xgroup('CREATE', lane, 'positions', '$', 'MKSTREAM');
    await t.redis.xgroup('CREATECONSUMER', lane, 'positions', 'me');
    await t.redis.xgroup('CREATECONSUMER', lane, 'positions', 'other');
    await waitFor(
      async () => (await consumers(lane, 'positions')).every((c) => c.idle > 100),
      'both to be idle past 100 ms',
    );

    expect(await removeIdleConsumers(t.redis, { lane, group: 'positions', consumer: 'me', idleMs: 100 })).toEqual([
      'other',
    ]);
    const me = await consumers(lane, 'positions');
    expect(me.map((c) => c.name)).toEqual(['me']);
    // And the pass marked it present.
    expect(me[0]!.idle).toBeLessThan(100);
  });

  it('lists the consumers of a topic that carries no messages, and their peers leave them there', async () => {
    const topic = 'coordinator_commands';
    const lanes = [t.keys.busUrgentStream(topic), t.keys.busStream(topic)];
    for (const lane of lanes) {
      await t.redis.xgroup('CREATE', lane, 'coordinator', '$', 'MKSTREAM');
      await t.redis.xgroup('CREATECONSUMER', lane, 'coordinator', 'ghost');
    }
    const overrides = { claimIntervalMs: 50, consumerIdleMs: 300 };
    await t.bus.subscribe({ topic, service: 'coordinator', consumer: 'a', overrides, handler: () => undefined });
    await t.bus.subscribe({ topic, service: 'coordinator', consumer: 'b', overrides, handler: () => undefined });
    // Listed as soon as they subscribed, though no read has delivered them anything.
    for (const lane of lanes) expect(await names(lane, 'coordinator')).toEqual(['a', 'b', 'ghost']);

    // The ghost, created before them, goes; the live ones, which no read touches, stay.
    for (const lane of lanes)
      await waitFor(async () => !(await names(lane, 'coordinator')).includes('ghost'), 'the ghost to be removed');
    for (const lane of lanes) expect(await names(lane, 'coordinator')).toEqual(['a', 'b']);
    expect((await t.bus.stats(topic)).groups).toMatchObject([
      { name: 'coordinator', consumers: 2, pending: 0, lag: 0 },
    ]);
  });
});
