import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { aTaSignal } from '../support/builders.ts';
import { spawnTs, type TsProcess } from '../support/spawn-ts.ts';
import type { TestBus } from '../support/test-bus.ts';
import { waitFor } from '../support/wait-for.ts';

describe('crash recovery', () => {
  let t: TestBus;
  let proc: TsProcess | undefined;
  it.override({ busOptions: { config: { claimIdleMs: 400, claimIntervalMs: 100 } } });
  it.beforeEach(({ bus }) => {
    t = bus;
  });
  afterEach(async () => {
    proc?.child.kill('SIGKILL');
  });

  it('loses nothing when a consumer is killed with SIGKILL in the middle of a handler', async () => {
    proc = spawnTs('test/fixtures/bus-consumer-process.ts', {
      REDIS_URL: t.url,
      KEY_PREFIX: t.prefix,
      TOPIC: 'ta_signals',
      SERVICE: 'coordinator',
      CONSUMER: 'doomed',
      HANG: '1',
    });
    await proc.waitForOutput('ready');
    const message = await t.bus.publish('ta.signal_emitted', aTaSignal(), { symbol: 'BTC/USD' });
    await proc.waitForOutput(`handling ${message.id}`);
    proc.child.kill('SIGKILL');
    await proc.exited;

    // The message is pending on the dead consumer, not lost and not acked.
    const pending = (await t.redis.xpending(t.keys.busStream('ta_signals'), 'coordinator', '-', '+', 10)) as [
      string,
      string,
      number,
      number,
    ][];
    expect(pending.map(([, consumer]) => consumer)).toEqual(['doomed']);

    const finished: { id: string; deliveryCount: number }[] = [];
    await t.bus.subscribe({
      topic: 'ta_signals',
      service: 'coordinator',
      consumer: 'survivor',
      handler: (m, ctx) => void finished.push({ id: m.id, deliveryCount: ctx.deliveryCount }),
    });
    await waitFor(() => finished.length === 1, 'the survivor to finish the message');
    expect(finished).toEqual([{ id: message.id, deliveryCount: 2 }]);
    await waitFor(
      async () => ((await t.redis.xpending(t.keys.busStream('ta_signals'), 'coordinator')) as unknown[])[0] === 0,
      'the ack',
    );
  });
});
