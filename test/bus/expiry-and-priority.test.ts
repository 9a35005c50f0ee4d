import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertRaised } from '../../src/bus/messages/alert-raised.ts';
import { ManualClock } from '../../src/clock/clock.ts';
import { aCandle } from '../support/builders.ts';
import { createTestBus, type TestBus } from '../support/test-bus.ts';
import { sleep, waitFor } from '../support/wait-for.ts';

describe('expiry', () => {
  let t: TestBus;
  const clock = new ManualClock(1_700_000_000_000);
  beforeEach(async () => {
    t = await createTestBus({ clock });
  });
  afterEach(async () => t.cleanup());

  it('acks and counts a message past its TTL without handling it', async () => {
    const handled: number[] = [];
    await t.bus.publish('market.candle_closed', aCandle({ openTimeMs: 1 }), { symbol: 'BTC/USD', ttlMs: 1_000 });
    await t.bus.publish('market.candle_closed', aCandle({ openTimeMs: 2 }), { symbol: 'BTC/USD', ttlMs: 60_000 });
    clock.advance(5_000);
    await t.bus.subscribe({
      topic: 'market_data',
      service: 'ta-agent',
      startFrom: 'earliest',
      handler: (m) => void handled.push(m.type === 'market.candle_closed' ? m.payload.openTimeMs : -1),
    });
    await waitFor(async () => (await t.bus.stats('market_data')).groups[0]?.expired === 1, 'the expiry count');
    await waitFor(() => handled.length === 1, 'the fresh message');
    expect(handled).toEqual([2]);
    const stats = await t.bus.stats('market_data');
    expect(stats.groups[0]).toMatchObject({ pending: 0, expired: 1, handled: 1 });
  });
});

describe('priority', () => {
  let t: TestBus;
  beforeEach(async () => {
    t = await createTestBus({ config: { batchSize: 8 } });
  });
  afterEach(async () => t.cleanup());

  it('handles an urgent message before a backlog of normal ones on the same topic', async () => {
    const order: string[] = [];
    const first = { started: false };
    // The group exists before the backlog, so it must work through all of it.
    await t.bus.subscribe({
      topic: 'system_events',
      service: 'ops',
      handler: async (m) => {
        first.started = true;
        order.push(AlertRaised.payload.parse(m.payload).code);
        await sleep(3);
      },
    });
    for (let i = 0; i < 200; i++) {
      await t.bus.publish('system.alert_raised', { severity: 'info', code: `backlog.n${i}`, message: 'routine' });
    }
    await waitFor(() => first.started, 'the backlog to start');
    const handledBefore = order.length;
    await t.bus.publish(
      'system.alert_raised',
      { severity: 'critical', code: 'halt.now', message: 'stop' },
      { priority: 'urgent' },
    );
    await waitFor(() => order.length === 201, 'everything handled');
    const overtaken = order.indexOf('halt.now') - handledBefore;
    // At most the rest of the batch being handled goes first (8), never the backlog (~190).
    expect(handledBefore).toBeLessThan(100);
    expect(overtaken).toBeLessThanOrEqual(8);
  });

  it('within one read, handles high before normal before low', async () => {
    const order: string[] = [];
    for (const priority of ['low', 'normal', 'high', 'low', 'high'] as const) {
      await t.bus.publish(
        'system.alert_raised',
        { severity: 'info', code: `p.${priority}`, message: priority },
        { priority },
      );
    }
    await t.bus.subscribe({
      topic: 'system_events',
      service: 'ops',
      startFrom: 'earliest',
      handler: (m) => void order.push(AlertRaised.payload.parse(m.payload).code),
    });
    await waitFor(() => order.length === 5, 'five messages');
    expect(order).toEqual(['p.high', 'p.high', 'p.normal', 'p.low', 'p.low']);
  });
});
