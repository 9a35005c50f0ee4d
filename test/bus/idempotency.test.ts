import { describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { onceInRedis } from '../../src/bus/idempotency.ts';
import { aTaSignal } from '../support/builders.ts';
import { sleep, waitFor } from '../support/wait-for.ts';

describe('idempotency helper', () => {
  it('gives a redelivered message its side effect once', async ({ bus: t }) => {
    const sideEffects: string[] = [];
    const attempts: number[] = [];
    await t.bus.subscribe({
      topic: 'ta_signals',
      service: 'coordinator',
      handler: async (m, ctx) => {
        attempts.push(ctx.deliveryCount);
        await ctx.once(async () => void sideEffects.push(m.id));
        // Fails after the side effect, as a crash before the ack would.
        if (ctx.deliveryCount < 3) throw new Error('ack lost');
      },
    });
    const published = await t.bus.publish('ta.signal_emitted', aTaSignal(), { symbol: 'BTC/USD' });
    await waitFor(() => attempts.length === 3, 'three deliveries');
    expect(sideEffects).toEqual([published.id]);
  });

  it('is scoped per group: each subscribing service does its own side effect once', async ({ bus: t }) => {
    const effects: string[] = [];
    for (const service of ['a', 'b']) {
      await t.bus.subscribe({
        topic: 'ta_signals',
        service,
        handler: async (_m, ctx) => void (await ctx.once(async () => effects.push(service))),
      });
    }
    await t.bus.publish('ta.signal_emitted', aTaSignal(), { symbol: 'BTC/USD' });
    await waitFor(() => effects.length === 2, 'both groups');
    expect(effects.sort()).toEqual(['a', 'b']);
  });

  it('refuses to run concurrently for the same key (BUSY), and runs once', async ({ bus: t }) => {
    const key = t.keys.idempotency('g', 'm1');
    let runs = 0;
    const slow = onceInRedis(t.redis, key, { ttlMs: 60_000, lockMs: 5_000 }, async () => {
      runs += 1;
      await sleep(100);
      return 'done';
    });
    await waitFor(() => runs === 1, 'the first run to hold the key');
    await expect(
      onceInRedis(t.redis, key, { ttlMs: 60_000, lockMs: 5_000 }, async () => void (runs += 1)),
    ).rejects.toMatchObject({ code: 'BUSY' });
    expect(await slow).toEqual({ ran: true, result: 'done' });
    expect(await onceInRedis(t.redis, key, { ttlMs: 60_000, lockMs: 5_000 }, async () => void (runs += 1))).toEqual({
      ran: false,
    });
    expect(runs).toBe(1);
  });

  it('does not mark the key when the side effect fails, so a retry runs it', async ({ bus: t }) => {
    const key = t.keys.idempotency('g', 'm2');
    await expect(
      onceInRedis(t.redis, key, { ttlMs: 60_000, lockMs: 5_000 }, async () => {
        throw new Error('nope');
      }),
    ).rejects.toThrow('nope');
    expect(await onceInRedis(t.redis, key, { ttlMs: 60_000, lockMs: 5_000 }, async () => 7)).toEqual({
      ran: true,
      result: 7,
    });
  });
});
