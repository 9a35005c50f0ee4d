import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/clock.ts';
import { aTaSignal } from '../support/builders.ts';
import { createTestBus, type TestBus } from '../support/test-bus.ts';

describe('latest', () => {
  let t: TestBus;
  const clock = new ManualClock(1_700_000_000_000);
  beforeEach(async () => {
    t = await createTestBus({ clock });
  });
  afterEach(async () => t.cleanup());

  it('answers with the last message for exactly the symbol asked, never another symbol', async () => {
    await t.bus.publish('ta.signal_emitted', aTaSignal({ bias: 'long' }), { symbol: 'BTC/USD', source: 'ta-agent' });
    await t.bus.publish('ta.signal_emitted', aTaSignal({ bias: 'short' }), { symbol: 'XRP/USD', source: 'ta-agent' });
    const btc = await t.bus.latest('ta_signals', { symbol: 'BTC/USD' });
    expect(btc?.symbol).toBe('BTC/USD');
    expect(btc?.type === 'ta.signal_emitted' && btc.payload.bias).toBe('long');
    expect((await t.bus.latest('ta_signals', { symbol: 'XRP/USD' }))?.symbol).toBe('XRP/USD');
    // A symbol nobody published for has no latest, even though the topic has messages.
    expect(await t.bus.latest('ta_signals', { symbol: 'ETH/USD' })).toBeUndefined();
    expect(await t.bus.latest('ta_signals')).toBeUndefined();
  });

  it('filters by source and keeps the newest per (symbol, source)', async () => {
    await t.bus.publish('ta.signal_emitted', aTaSignal({ confidence: 0.1 }), { symbol: 'BTC/USD', source: 'ta-agent' });
    await t.bus.publish('ta.signal_emitted', aTaSignal({ confidence: 0.2 }), {
      symbol: 'BTC/USD',
      source: 'ta-agent-v2',
    });
    await t.bus.publish('ta.signal_emitted', aTaSignal({ confidence: 0.3 }), { symbol: 'BTC/USD', source: 'ta-agent' });
    const fromV1 = await t.bus.latest('ta_signals', { symbol: 'BTC/USD', source: 'ta-agent' });
    const fromV2 = await t.bus.latest('ta_signals', { symbol: 'BTC/USD', source: 'ta-agent-v2' });
    const any = await t.bus.latest('ta_signals', { symbol: 'BTC/USD' });
    expect(fromV1?.type === 'ta.signal_emitted' && fromV1.payload.confidence).toBe(0.3);
    expect(fromV2?.type === 'ta.signal_emitted' && fromV2.payload.confidence).toBe(0.2);
    expect(any?.source).toBe('ta-agent');
    expect(await t.bus.latest('ta_signals', { symbol: 'BTC/USD', source: 'nobody' })).toBeUndefined();
  });

  it('ignores a latest message older than maxAgeMs', async () => {
    const published = await t.bus.publish('ta.signal_emitted', aTaSignal(), { symbol: 'BTC/USD' });
    clock.advance(60_000);
    expect((await t.bus.latest('ta_signals', { symbol: 'BTC/USD', maxAgeMs: 60_000 }))?.id).toBe(published.id);
    clock.advance(1);
    expect(await t.bus.latest('ta_signals', { symbol: 'BTC/USD', maxAgeMs: 60_000 })).toBeUndefined();
  });

  it('reads one hash field rather than scanning the stream', async () => {
    for (let i = 0; i < 50; i++)
      await t.bus.publish('ta.signal_emitted', aTaSignal(), { symbol: i % 2 ? 'BTC/USD' : 'XRP/USD' });
    const index = await t.redis.hgetall(t.keys.latest('ta_signals'));
    expect(Object.keys(index).sort()).toEqual(['BTC/USD|*', 'BTC/USD|test', 'XRP/USD|*', 'XRP/USD|test']);
    const [lane, streamId] = index['BTC/USD|*']!.split(' ');
    expect(lane).toBe('m');
    const last = await t.bus.latest('ta_signals', { symbol: 'BTC/USD' });
    expect(last?.streamId).toBe(streamId);
  });
});
