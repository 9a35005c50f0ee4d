import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { Bus } from '../../src/bus/bus.ts';
import { AlertRaised } from '../../src/bus/messages/alert-raised.ts';
import { BusConfig } from '../../src/config/sections/bus-config.ts';
import { aTaSignal } from '../support/builders.ts';
import { createTestBus, type TestBus } from '../support/test-bus.ts';
import { quietWindow, scaled } from '../support/test-timing.ts';
import { sleep, waitFor } from '../support/wait-for.ts';

describe('dead letters and circuit breaker', () => {
  let t: TestBus;
  it.override({ busOptions: { config: { maxDeliveries: 5, breaker: { failureThreshold: 50, cooldownMs: 300 } } } });
  it.beforeEach(({ bus }) => {
    t = bus;
  });

  it('moves a poison message to tg:dlq:<topic> after exactly N deliveries, with its error and count', async () => {
    const deliveries: number[] = [];
    await t.bus.subscribe({
      topic: 'ta_signals',
      service: 'coordinator',
      handler: (_m, ctx) => {
        deliveries.push(ctx.deliveryCount);
        throw new Error('cannot parse this signal');
      },
    });
    const poison = await t.bus.publish('ta.signal_emitted', aTaSignal(), { symbol: 'BTC/USD' });
    await waitFor(async () => (await t.redis.xlen(t.keys.dlq('ta_signals'))) === 1, 'the dead letter');
    // Quiet window: the claim is that a dead-lettered message is not delivered again.
    await quietWindow(200);
    expect(deliveries).toEqual([1, 2, 3, 4, 5]);
    const [dead] = await t.bus.deadLetters('ta_signals');
    expect(dead).toMatchObject({
      originalStreamId: poison.streamId,
      group: 'coordinator',
      reason: 'handler_failed',
      deliveryCount: 5,
      error: 'Error: cannot parse this signal',
    });
    expect(dead!.fields.id).toBe(poison.id);
    // Acked on the topic: nothing pending, and the counters say what happened.
    const stats = await t.bus.stats('ta_signals');
    expect(stats.groups[0]).toMatchObject({ pending: 0, delivered: 5, failed: 5, deadLettered: 1 });
    expect(stats.deadLetters).toBe(1);
  });

  it('replays a dead letter onto its topic with its original id, after which it is handled', async () => {
    let healthy = false;
    const handled: string[] = [];
    await t.bus.subscribe({
      topic: 'ta_signals',
      service: 'coordinator',
      handler: (m) => {
        if (!healthy) throw new Error('downstream outage');
        handled.push(m.id);
      },
    });
    const original = await t.bus.publish('ta.signal_emitted', aTaSignal(), { symbol: 'BTC/USD', ttlMs: 1_000 });
    await waitFor(async () => (await t.redis.xlen(t.keys.dlq('ta_signals'))) === 1, 'the dead letter');
    healthy = true;
    // Past the original TTL: replay must give it a fresh one.
    await waitFor(() => Date.now() > original.expiresAtMs, 'the original TTL to pass', undefined, 50);
    const result = await t.bus.replayDeadLetters('ta_signals');
    expect(result.replayed).toHaveLength(1);
    expect(result.skipped).toEqual([]);
    await waitFor(() => handled.length === 1, 'the replayed message');
    expect(handled).toEqual([original.id]);
    expect(await t.redis.xlen(t.keys.dlq('ta_signals'))).toBe(0);
  });

  it('dead-letters malformed entries written by hand instead of crashing the consumer', async () => {
    const handled: string[] = [];
    await t.bus.subscribe({ topic: 'ta_signals', service: 'coordinator', handler: (m) => void handled.push(m.symbol) });
    const lane = t.keys.busStream('ta_signals');
    // What an operator might type into redis-cli: missing fields, bad JSON, wrong types.
    await t.redis.xadd(lane, '*', 'hello', 'world');
    await t.redis.xadd(lane, '*', 'id', 'not-a-uuid', 'type', 'ta.signal_emitted', 'payload', '{oops');
    await t.redis.xadd(
      lane,
      '*',
      'id',
      '2f1f0f44-7a39-4c43-9f0e-3e3c7c1d2b6a',
      'type',
      'made.up',
      'source',
      'cli',
      'symbol',
      '',
      'priority',
      'normal',
      'correlation_id',
      'x',
      'causation_id',
      '',
      'ts_ms',
      '1',
      'expires_at_ms',
      '99999999999999',
      'payload',
      '{}',
    );
    await t.bus.publish('ta.signal_emitted', aTaSignal(), { symbol: 'XRP/USD' });
    await waitFor(() => handled.length === 1, 'the valid message after the malformed ones');
    await waitFor(async () => (await t.redis.xlen(t.keys.dlq('ta_signals'))) === 3, 'three dead letters');
    const dead = await t.bus.deadLetters('ta_signals');
    expect(dead.map((d) => d.reason)).toEqual(['malformed', 'malformed', 'malformed']);
    expect(dead[1]!.error).toMatch(/payload: not valid JSON/);
    expect(dead[2]!.error).toMatch(/unknown message type "made.up"/);
    expect(dead[0]!.deliveryCount).toBe(1);
    // Malformed dead letters cannot be replayed; they stay for the operator.
    const replay = await t.bus.replayDeadLetters('ta_signals');
    expect(replay.replayed).toEqual([]);
    expect(replay.skipped).toHaveLength(3);
    expect(await t.redis.xlen(t.keys.dlq('ta_signals'))).toBe(3);
  });

  it('dead-letters an entry bigger than bus.maxMessageBytes without handling it, cut short with its size, and acks it', async () => {
    const handled: string[] = [];
    await t.bus.subscribe({ topic: 'system_events', service: 'recorder', handler: (m) => void handled.push(m.id) });
    // Written by hand: a valid alert, apart from its 8 MB.
    const id = randomUUID();
    const nowMs = Date.now();
    const payload = JSON.stringify({
      severity: 'info',
      code: 'test.huge',
      message: 'x'.repeat(8 * 1_048_576),
      details: {},
    });
    const streamId = (await t.redis.xadd(
      t.keys.busStream('system_events'),
      '*',
      'id',
      id,
      'type',
      'system.alert_raised',
      'source',
      'by-hand',
      'symbol',
      '',
      'priority',
      'normal',
      'correlation_id',
      id,
      'causation_id',
      '',
      'ts_ms',
      String(nowMs),
      'expires_at_ms',
      String(nowMs + 60_000),
      'payload',
      payload,
    ))!;
    const after = await t.bus.publish('system.alert_raised', {
      severity: 'info',
      code: 'test.after',
      message: 'still flowing',
    });

    await waitFor(() => handled.includes(after.id), 'the message after it to be handled');
    const [dead] = await t.bus.deadLetters('system_events');
    expect(handled).not.toContain(id);
    expect(dead).toMatchObject({
      originalStreamId: streamId,
      group: 'recorder',
      reason: 'oversized',
      deliveryCount: 1,
    });
    expect(dead!.originalBytes).toBeGreaterThan(8 * 1_048_576);
    expect(dead!.error).toContain(`${dead!.originalBytes} bytes`);
    expect(dead!.fields).toMatchObject({ id, type: 'system.alert_raised', source: 'by-hand' });
    expect(dead!.fields.payload).toBe(payload.slice(0, 1_024));
    const [, deadFields] = (await t.redis.xrange(t.keys.dlq('system_events'), '-', '+'))[0]!;
    expect(deadFields.join('').length).toBeLessThan(4_096);
    const stats = await t.bus.stats('system_events');
    expect(stats.groups[0]).toMatchObject({ pending: 0, lag: 0, deadLettered: 1 });
  });

  it('leaves a dead letter too big for the bus where it is on replay, saying why', async () => {
    await t.bus.subscribe({
      topic: 'system_events',
      service: 'recorder',
      handler: () => {
        throw new Error('recorder down');
      },
    });
    await t.bus.publish('system.alert_raised', { severity: 'info', code: 'test.big', message: 'x'.repeat(10_000) });
    // The bus raises the dead letter on system_events, and the failing recorder dead-letters that alert in turn.
    await waitFor(
      async () => (await t.redis.xlen(t.keys.dlq('system_events'))) === 2,
      'the dead letter, and its alert dead-lettered',
    );
    const [big] = await t.bus.deadLetters('system_events');
    // The limit was lowered since.
    const strict = new Bus({
      redis: t.redis,
      keys: t.keys,
      service: 'ops',
      config: BusConfig.parse({ ...t.bus.config, maxMessageBytes: 4_096 }),
    });

    const result = await strict.replayDeadLetters('system_events', { ids: [big!.dlqId] });
    expect(result.replayed).toEqual([]);
    expect(result.skipped).toMatchObject([{ reason: expect.stringContaining('bus.maxMessageBytes') }]);
    expect(await t.redis.xlen(t.keys.dlq('system_events'))).toBe(2);
    expect(await t.redis.xlen(t.keys.busStream('system_events'))).toBe(2);
  });
});

describe('circuit breaker', () => {
  let t: TestBus;
  beforeEach(async () => {
    t = await createTestBus({
      config: { maxDeliveries: 100, retryDelayMs: 5, breaker: { failureThreshold: 3, cooldownMs: 400 } },
    });
  });
  afterEach(async () => t.cleanup());

  it('opens a failing subscription, raises a system_events alert, and the other subscriptions keep receiving', async () => {
    const alerts: { code: string; details: Record<string, unknown> }[] = [];
    const healthy: string[] = [];
    let failing = true;
    let failingCalls = 0;
    await t.bus.subscribe({
      topic: 'system_events',
      service: 'ops',
      handler: (m) => void alerts.push(AlertRaised.payload.parse(m.payload)),
    });
    const broken = await t.bus.subscribe({
      topic: 'ta_signals',
      service: 'broken',
      handler: () => {
        failingCalls += 1;
        if (failing) throw new Error('boom');
      },
    });
    await t.bus.subscribe({ topic: 'ta_signals', service: 'healthy', handler: (m) => void healthy.push(m.id) });

    for (let i = 0; i < 10; i++) await t.bus.publish('ta.signal_emitted', aTaSignal(), { symbol: 'BTC/USD' });
    await waitFor(() => alerts.some((a) => a.code === 'bus.subscription_tripped'), 'the trip alert');
    expect(broken.breakerState).toBe('open');
    const callsWhenOpened = failingCalls;
    await waitFor(() => healthy.length === 10, 'the healthy subscription to get all 10');
    // Quiet window: the claim is that an open breaker calls the handler no more. Not scaled with
    // TEST_TIME_SCALE: it must end before the breaker's 400 ms cooldown lets a probe through.
    await sleep(200);
    // Open: the failing subscription stopped calling its handler.
    expect(failingCalls).toBe(callsWhenOpened);
    expect(alerts.find((a) => a.code === 'bus.subscription_tripped')!.details).toMatchObject({
      topic: 'ta_signals',
      group: 'broken',
      consecutiveFailures: 3,
      lastError: 'Error: boom',
    });

    // After the cool-down it tries again; once the handler works, every message is handled.
    failing = false;
    await waitFor(
      () => alerts.some((a) => a.code === 'bus.subscription_recovered'),
      'the recovery alert',
      scaled(5_000),
    );
    await waitFor(
      async () => (await t.bus.stats('ta_signals')).groups.find((g) => g.name === 'broken')?.handled === 10,
      'all 10 handled',
    );
    expect(broken.breakerState).toBe('closed');
  });
});
