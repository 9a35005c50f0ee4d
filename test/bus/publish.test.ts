import { describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { TriplegainError } from '../../src/shared/triplegain-error.ts';
import { aCandle, aTaSignal } from '../support/builders.ts';

describe('publish', () => {
  it('writes one flat entry per message, readable with XRANGE', async ({ bus: t }) => {
    const published = await t.bus.publish('market.candle_closed', aCandle(), {
      symbol: 'BTC/USD',
      source: 'market-data',
    });
    const entries = await t.redis.xrange(t.keys.busStream('market_data'), '-', '+');
    expect(entries).toHaveLength(1);
    const [streamId, fields] = entries[0]!;
    expect(streamId).toBe(published.streamId);
    const record = Object.fromEntries(
      fields.reduce<[string, string][]>((acc, v, i) => (i % 2 ? acc : [...acc, [v, fields[i + 1]!]]), []),
    );
    expect(Object.keys(record)).toEqual([
      'id',
      'type',
      'source',
      'symbol',
      'priority',
      'correlation_id',
      'causation_id',
      'ts_ms',
      'expires_at_ms',
      'payload',
    ]);
    expect(record).toMatchObject({
      id: published.id,
      type: 'market.candle_closed',
      source: 'market-data',
      symbol: 'BTC/USD',
      priority: 'normal',
      correlation_id: published.id,
      causation_id: '',
    });
    expect(JSON.parse(record.payload!)).toEqual(aCandle());
    expect(Number(record.expires_at_ms) - Number(record.ts_ms)).toBe(t.bus.config.defaultTtlMs);
  });

  it('refuses an invalid payload with an error naming the field, and writes nothing', async ({ bus: t }) => {
    const attempt = t.bus.publish('ta.signal_emitted', aTaSignal({ confidence: 1.5 }), { symbol: 'BTC/USD' });
    await expect(attempt).rejects.toThrow(TriplegainError);
    await expect(attempt).rejects.toMatchObject({ code: 'MESSAGE_INVALID', details: { field: 'payload.confidence' } });
    await expect(attempt).rejects.toThrow(/payload\.confidence/);
    expect(await t.redis.xlen(t.keys.busStream('ta_signals'))).toBe(0);
    expect(await t.redis.exists(t.keys.latest('ta_signals'))).toBe(0);
  });

  it('refuses a malformed symbol and names the envelope field', async ({ bus: t }) => {
    await expect(t.bus.publish('ta.signal_emitted', aTaSignal(), { symbol: 'btcusd' })).rejects.toMatchObject({
      code: 'MESSAGE_INVALID',
      details: { field: 'symbol' },
    });
    expect(await t.redis.xlen(t.keys.busStream('ta_signals'))).toBe(0);
  });

  it('refuses a price sent as a float instead of a decimal string', async ({ bus: t }) => {
    // @ts-expect-error: the type system refuses it too; this checks the runtime guard.
    await expect(t.bus.publish('market.candle_closed', aCandle({ close: 19949.9 }))).rejects.toMatchObject({
      details: { field: 'payload.close' },
    });
  });

  it('refuses a candle whose low is above its high', async ({ bus: t }) => {
    await expect(
      t.bus.publish('market.candle_closed', aCandle({ low: '20000', high: '19979.4' }), { symbol: 'BTC/USD' }),
    ).rejects.toMatchObject({
      code: 'MESSAGE_INVALID',
      details: { field: 'payload.low' },
    });
    expect(await t.redis.xlen(t.keys.busStream('market_data'))).toBe(0);
  });

  it('refuses an unknown message type', async ({ bus: t }) => {
    // @ts-expect-error: unknown type on purpose
    await expect(t.bus.publish('nope.happened', {})).rejects.toMatchObject({ code: 'MESSAGE_TYPE_UNKNOWN' });
  });

  it('puts urgent messages on the priority lane and the rest on the main lane', async ({ bus: t }) => {
    await t.bus.publish(
      'system.alert_raised',
      { severity: 'critical', code: 'test.urgent', message: 'now' },
      { priority: 'urgent' },
    );
    await t.bus.publish('system.alert_raised', { severity: 'info', code: 'test.normal', message: 'later' });
    expect(await t.redis.xlen(t.keys.busUrgentStream('system_events'))).toBe(1);
    expect(await t.redis.xlen(t.keys.busStream('system_events'))).toBe(1);
  });

  it('carries correlation and causation from the causing message', async ({ bus: t }) => {
    const cause = await t.bus.publish('market.candle_closed', aCandle(), { symbol: 'BTC/USD' });
    const effect = await t.bus.publish('ta.signal_emitted', aTaSignal(), { symbol: 'BTC/USD', causedBy: cause });
    expect(effect.correlationId).toBe(cause.correlationId);
    expect(effect.causationId).toBe(cause.id);
  });

  it('refuses a message bigger than bus.maxMessageBytes, naming its type and size, and writes nothing', async ({
    bus: t,
  }) => {
    const huge = t.bus.publish('system.alert_raised', {
      severity: 'warning',
      code: 'test.huge',
      message: 'x'.repeat(120_000),
    });
    // Published in the same tick, so in the same batch: the refusal does not take it down.
    const small = t.bus.publish('system.alert_raised', { severity: 'info', code: 'test.small', message: 'fine' });
    const err = await huge.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TriplegainError);
    expect(err).toMatchObject({ code: 'MESSAGE_INVALID', details: { type: 'system.alert_raised', maxBytes: 65_536 } });
    const { sizeBytes } = (err as TriplegainError).details as { sizeBytes: number };
    expect(sizeBytes).toBeGreaterThan(120_000);
    expect((err as Error).message).toContain('system.alert_raised');
    expect((err as Error).message).toContain(`${sizeBytes} bytes`);

    await small;
    const entries = await t.redis.xrange(t.keys.busStream('system_events'), '-', '+');
    expect(entries.map(([, fields]) => JSON.parse(fields[fields.indexOf('payload') + 1]!).code)).toEqual([
      'test.small',
    ]);
  });

  it('counts the limit in bytes, not characters', async ({ bus: t }) => {
    // 25,000 characters, 75,000 bytes in UTF-8.
    const attempt = t.bus.publish('system.alert_raised', {
      severity: 'info',
      code: 'test.euro',
      message: '€'.repeat(25_000),
    });
    await expect(attempt).rejects.toMatchObject({ code: 'MESSAGE_INVALID', details: { type: 'system.alert_raised' } });
    const fits = await t.bus.publish('system.alert_raised', {
      severity: 'info',
      code: 'test.euro',
      message: '€'.repeat(20_000),
    });
    expect(fits.streamId).toBeTruthy();
  });
});
