import { describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import type { BusMessage } from '../../src/bus/envelope.ts';
import { aCandle, aTaSignal } from '../support/builders.ts';
import { quietWindow, scaled } from '../support/test-timing.ts';
import { sleep, waitFor } from '../support/wait-for.ts';

describe('delivery', () => {
  it('fans out every message to every subscribing service', async ({ bus: t }) => {
    const seenBy: Record<string, string[]> = { coordinator: [], recorder: [] };
    for (const service of ['coordinator', 'recorder'] as const) {
      await t.bus.subscribe({ topic: 'ta_signals', service, handler: (m) => void seenBy[service]!.push(m.id) });
    }
    const ids: string[] = [];
    for (let i = 0; i < 20; i++)
      ids.push((await t.bus.publish('ta.signal_emitted', aTaSignal(), { symbol: 'BTC/USD' })).id);
    await waitFor(() => seenBy.coordinator!.length === 20 && seenBy.recorder!.length === 20, 'both services to see 20');
    expect(seenBy.coordinator).toEqual(ids);
    expect(seenBy.recorder).toEqual(ids);
  });

  it('shares the work of one service between its consumers, each message once', async ({ bus: t }) => {
    const handledBy = new Map<string, string>();
    const duplicates: string[] = [];
    const second = t.another();
    for (const [bus, name] of [
      [t.bus, 'a'],
      [second, 'b'],
    ] as const) {
      await bus.subscribe({
        topic: 'market_data',
        service: 'ta-agent',
        consumer: name,
        handler: async (m) => {
          if (handledBy.has(m.id)) duplicates.push(m.id);
          handledBy.set(m.id, name);
          await sleep(2); // long enough that both consumers get a share
        },
        overrides: { batchSize: 4 },
      });
    }
    for (let i = 0; i < 100; i++)
      await t.bus.publish('market.candle_closed', aCandle({ openTimeMs: i * 3_600_000 }), { symbol: 'BTC/USD' });
    await waitFor(() => handledBy.size === 100, '100 messages handled');
    // Quiet window: the claim is that no message is handled a second time.
    await quietWindow(100);
    expect(duplicates).toEqual([]);
    const shares = [...handledBy.values()].reduce<Record<string, number>>(
      (acc, n) => ({ ...acc, [n]: (acc[n] ?? 0) + 1 }),
      {},
    );
    expect(shares.a).toBeGreaterThan(0);
    expect(shares.b).toBeGreaterThan(0);
  });

  it('lets one service hold several subscriptions to a topic, each with its own filter', async ({ bus: t }) => {
    const btc: string[] = [];
    const xrp: string[] = [];
    const shorts: string[] = [];
    await t.bus.subscribe({
      topic: 'ta_signals',
      service: 'coordinator',
      name: 'btc',
      symbols: ['BTC/USD'],
      handler: (m) => void btc.push(m.symbol),
    });
    await t.bus.subscribe({
      topic: 'ta_signals',
      service: 'coordinator',
      name: 'xrp',
      symbols: ['XRP/USD'],
      handler: (m) => void xrp.push(m.symbol),
    });
    await t.bus.subscribe({
      topic: 'ta_signals',
      service: 'coordinator',
      name: 'shorts',
      filter: (m) => m.type === 'ta.signal_emitted' && m.payload.bias === 'short',
      handler: (m) => void shorts.push(m.symbol),
    });
    await t.bus.publish('ta.signal_emitted', aTaSignal({ bias: 'long' }), { symbol: 'BTC/USD' });
    await t.bus.publish('ta.signal_emitted', aTaSignal({ bias: 'short' }), { symbol: 'XRP/USD' });
    await t.bus.publish('ta.signal_emitted', aTaSignal({ bias: 'short' }), { symbol: 'BTC/USD' });
    await waitFor(() => btc.length === 2 && xrp.length === 1 && shorts.length === 2, 'all three subscriptions');
    expect(btc).toEqual(['BTC/USD', 'BTC/USD']);
    expect(xrp).toEqual(['XRP/USD']);
    expect(shorts).toEqual(['XRP/USD', 'BTC/USD']);
    const stats = await t.bus.stats('ta_signals');
    expect(stats.groups.find((g) => g.name === 'coordinator.btc')).toMatchObject({ handled: 2, filtered: 1 });
  });

  it('lets a handler publish and subscribe from inside a handler without deadlock', async ({ bus: t }) => {
    const chain: string[] = [];
    await t.bus.subscribe({
      topic: 'market_data',
      service: 'ta-agent',
      handler: async (m, ctx) => {
        chain.push('candle');
        // Subscribing from inside a handler: the new subscription must start and receive.
        await t.bus.subscribe({
          topic: 'regime_updates',
          service: 'late-joiner',
          handler: () => void chain.push('regime'),
        });
        const ta = await ctx.publish('ta.signal_emitted', aTaSignal(), { symbol: m.symbol });
        chain.push(`published ${ta.causationId === m.id}`);
        await ctx.publish(
          'regime.detected',
          { timeframe: '1h', candleOpenTimeMs: 0, regime: 'ranging', confidence: 0.5 },
          { symbol: m.symbol },
        );
      },
    });
    await t.bus.subscribe({ topic: 'ta_signals', service: 'coordinator', handler: () => void chain.push('ta') });
    await t.bus.publish('market.candle_closed', aCandle(), { symbol: 'BTC/USD' });
    await waitFor(() => chain.includes('ta') && chain.includes('regime'), 'the chain to complete', scaled(5_000));
    expect(chain).toContain('published true');
  });

  it('acks only after the handler succeeded, and redelivers a failed message', async ({ bus: t }) => {
    const attempts: number[] = [];
    let pendingDuringHandler = -1;
    await t.bus.subscribe({
      topic: 'ta_signals',
      service: 'coordinator',
      handler: async (_m, ctx) => {
        attempts.push(ctx.deliveryCount);
        pendingDuringHandler = Number(
          ((await t.redis.xpending(t.keys.busStream('ta_signals'), 'coordinator')) as unknown[])[0],
        );
        if (ctx.deliveryCount < 3) throw new Error('database briefly down');
      },
    });
    await t.bus.publish('ta.signal_emitted', aTaSignal(), { symbol: 'BTC/USD' });
    await waitFor(() => attempts.length === 3, 'three attempts');
    expect(attempts).toEqual([1, 2, 3]);
    expect(pendingDuringHandler).toBe(1);
    await waitFor(
      async () => ((await t.redis.xpending(t.keys.busStream('ta_signals'), 'coordinator')) as unknown[])[0] === 0,
      'ack',
    );
    const stats = await t.bus.stats('ta_signals');
    expect(stats.groups[0]).toMatchObject({
      name: 'coordinator',
      delivered: 3,
      failed: 2,
      handled: 1,
      deadLettered: 0,
      pending: 0,
    });
  });

  it('treats a handler that runs past its timeout as failed and retries it', async ({ bus: t }) => {
    const attempts: number[] = [];
    await t.bus.subscribe({
      topic: 'ta_signals',
      service: 'slowpoke',
      overrides: { handlerTimeoutMs: 50 },
      handler: async (_m, ctx) => {
        attempts.push(ctx.deliveryCount);
        if (ctx.deliveryCount === 1) await sleep(500);
      },
    });
    await t.bus.publish('ta.signal_emitted', aTaSignal(), { symbol: 'BTC/USD' });
    await waitFor(() => attempts.length === 2, 'a retry after the timeout');
    expect(attempts).toEqual([1, 2]);
  });

  it('starts a new group at new messages by default, or at the earliest retained one on request', async ({
    bus: t,
  }) => {
    await t.bus.publish('ta.signal_emitted', aTaSignal(), { symbol: 'BTC/USD' });
    const fresh: BusMessage[] = [];
    const replaying: BusMessage[] = [];
    await t.bus.subscribe({ topic: 'ta_signals', service: 'fresh', handler: (m) => void fresh.push(m) });
    await t.bus.subscribe({
      topic: 'ta_signals',
      service: 'audit',
      startFrom: 'earliest',
      handler: (m) => void replaying.push(m),
    });
    await t.bus.publish('ta.signal_emitted', aTaSignal(), { symbol: 'XRP/USD' });
    await waitFor(() => fresh.length === 1 && replaying.length === 2, 'both groups');
    expect(fresh.map((m) => m.symbol)).toEqual(['XRP/USD']);
  });
});
