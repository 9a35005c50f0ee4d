import { Redis } from 'ioredis';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { KrakenExchange } from '../../src/kraken/kraken-exchange.ts';
import { startDeadManSwitch, type DeadManSwitch } from '../../src/execution/dead-man-switch.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { startKrakenPrivateServer, type KrakenPrivateServer } from '../support/kraken-private-server.ts';
import type { TestRedis } from '../support/test-redis.ts';
import { waitFor } from '../support/wait-for.ts';
import { aKrakenClient } from './kraken-builders.ts';
import { scaled } from '../support/test-timing.ts';

/** Kraken's documented answer (https://docs.kraken.com/api-reference/trading/cancel-all-orders-after-x). */
const ARMED = {
  body: { error: [], result: { currentTime: '2023-03-24T17:41:56Z', triggerTime: '2023-03-24T17:42:56Z' } },
};

describe("Kraken's dead man's switch, armed by one worker of the cluster", () => {
  let server: KrakenPrivateServer;
  let t: TestRedis;
  const started: DeadManSwitch[] = [];
  const connections: Redis[] = [];
  it.beforeEach(async ({ redis }) => {
    t = redis;
    server = await startKrakenPrivateServer();
    server.override('CancelAllOrdersAfter', ARMED);
  });
  afterEach(async () => {
    for (const deadMan of started.splice(0)) await deadMan.stop();
    for (const redis of connections.splice(0)) redis.disconnect();
    await server.close();
  });

  const armRequests = () =>
    server.requests.filter((r) => r.method === 'CancelAllOrdersAfter' && r.verdict === 'accepted');
  const arms = () => armRequests().filter((r) => r.params.get('timeout') !== '0');

  /** A worker's switch on its own Redis connection, counting the arms it sends and the times it was told Kraken may have fired. */
  async function aWorker(name: string, options: { timeoutSec?: number; leaseMs?: number } = {}) {
    const redis = new Redis(t.url, { maxRetriesPerRequest: 1 });
    connections.push(redis);
    const exchange = new KrakenExchange({ client: aKrakenClient({ baseUrl: server.url, redis, keys: t.keys }) });
    const worker = {
      name,
      redis,
      armed: 0,
      disarmed: 0,
      armedAtMs: [] as number[],
      mayHaveFired: [] as string[],
      deadMan: undefined as unknown as DeadManSwitch,
    };
    worker.deadMan = startDeadManSwitch({
      exchange: {
        armDeadManSwitch: (timeoutSec: number, signal?: AbortSignal) => {
          if (timeoutSec === 0) worker.disarmed += 1;
          else {
            worker.armed += 1;
            worker.armedAtMs.push(Date.now());
          }
          return exchange.armDeadManSwitch(timeoutSec, signal);
        },
      },
      redis,
      keys: t.keys,
      timeoutSec: options.timeoutSec ?? 3,
      leaseMs: options.leaseMs ?? 600,
      holder: name,
      logger: silentLogger,
      onMayHaveFired: async (reason) => void worker.mayHaveFired.push(reason),
    });
    started.push(worker.deadMan);
    await worker.deadMan.started;
    return worker;
  }

  it(
    'of two workers only the lease holder arms CancelAllOrdersAfter, and it re-arms it',
    async () => {
      const a = await aWorker('a');
      const b = await aWorker('b');
      expect([a.deadMan.holding(), b.deadMan.holding()]).toEqual([true, false]);
      expect(arms()).toHaveLength(1);
      expect(arms()[0]!.params.get('timeout')).toBe('3');

      // Re-armed (every third of the timeout) while the standby keeps trying for the lease.
      await waitFor(() => arms().length >= 3, 're-armed twice');
      expect(b.armed).toBe(0);
      expect(a.armed).toBe(arms().length);
      expect(b.deadMan.holding()).toBe(false);
    },
    scaled(20_000),
  );

  it(
    're-arms once every third of the timeout, never a beat early (3 calls a minute at 60 s)',
    async () => {
      // Timeout 3 s: re-armed every 1,000 ms; lease 600 ms: a beat every 200 ms. A re-arm sent as
      // soon as the next beat would be late came 800 ms after the last one: a third more calls on
      // the account's API counter than the interval says.
      const a = await aWorker('a', { timeoutSec: 3, leaseMs: 600 });
      await waitFor(() => a.armedAtMs.length >= 4, 're-armed three times');
      const gaps = a.armedAtMs.slice(1).map((at, i) => at - a.armedAtMs[i]!);
      // Half a beat early at most (900 ms; 10 ms for the clock reads around the call). A loaded
      // machine only makes the gaps longer.
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(890);
    },
    scaled(20_000),
  );

  it(
    'a holder that stops disarms the switch (timeout 0), then releases the lease, and a standby takes over and arms it',
    async () => {
      const a = await aWorker('a');
      const b = await aWorker('b');
      await a.deadMan.stop();
      expect(a.disarmed).toBe(1);
      const disarmAt = armRequests().findIndex((r) => r.params.get('timeout') === '0');
      expect(disarmAt).toBeGreaterThanOrEqual(0);
      expect(await t.redis.get(t.keys.deadManSwitchLease)).toBeNull();

      // The standby's counter moves when it sends the arm; Kraken records it when it arrives.
      const rearmAfterDisarm = () => armRequests().findIndex((r, i) => i > disarmAt && r.params.get('timeout') === '3');
      await waitFor(() => b.deadMan.holding() && b.armed > 0 && rearmAfterDisarm() >= 0, 'the standby arms the switch');
      const rearmAt = rearmAfterDisarm();
      // The standby's arm comes after the disarm: the stop never leaves the account unarmed behind it.
      expect(rearmAt).toBeGreaterThan(disarmAt);
      // It was disarmed, not overdue: nothing may have fired.
      expect(b.mayHaveFired).toEqual([]);
    },
    scaled(20_000),
  );

  it(
    'a holder that dies (its lease not renewed) is replaced by a standby that arms the switch',
    async () => {
      const a = await aWorker('a', { timeoutSec: 15, leaseMs: 600 });
      const b = await aWorker('b', { timeoutSec: 15, leaseMs: 600 });
      expect(a.deadMan.holding()).toBe(true);
      // The holder loses Redis (and with it Kraken, whose nonce lock is in Redis): no renewal, no arm.
      a.redis.disconnect();

      await waitFor(() => b.deadMan.holding() && b.armed > 0, 'the standby takes over and arms');
      expect(await t.redis.get(t.keys.deadManSwitchLease)).toBe('b');
      // Taken over long before the 15 s countdown ran out: nothing may have fired.
      expect(b.mayHaveFired).toEqual([]);
      await a.deadMan.stop();
      expect(a.disarmed).toBe(0);
    },
    scaled(20_000),
  );

  it(
    'a re-arm that fails past the trigger time reports that Kraken may have fired, and again once it is armed after it',
    async () => {
      // The last holder disarmed it on a planned stop: nothing is overdue at the start.
      await t.redis.set(t.keys.deadManSwitchTrigger, '0');
      const a = await aWorker('a', { timeoutSec: 1, leaseMs: 450 });
      expect(a.armed).toBe(1);
      expect(a.mayHaveFired).toEqual([]);
      server.override('CancelAllOrdersAfter', { body: { error: ['EService:Unavailable'] } });
      await waitFor(() => a.mayHaveFired.length >= 1, 'the holder sees the trigger time pass');
      expect(a.mayHaveFired[0]).toContain('not re-armed before its trigger time');

      server.override('CancelAllOrdersAfter', ARMED);
      await waitFor(() => a.mayHaveFired.length >= 2, 'the holder re-arms');
      expect(a.mayHaveFired[1]).toContain('re-armed after');
    },
    scaled(20_000),
  );

  it(
    'a re-arm that fails before the trigger time has Kraken checked once a re-arm succeeds again',
    async () => {
      await t.redis.set(t.keys.deadManSwitchTrigger, '0');
      const a = await aWorker('a', { timeoutSec: 3, leaseMs: 600 });
      expect(a.mayHaveFired).toEqual([]);
      server.override('CancelAllOrdersAfter', { body: { error: ['EService:Unavailable'] } });
      await waitFor(() => arms().length >= 2, 'Kraken to answer a re-arm with the error');
      // Kraken answers again well before the countdown of the first arm (3 s) runs out.
      server.override('CancelAllOrdersAfter', ARMED);
      await waitFor(() => a.mayHaveFired.length >= 1, 'the holder re-arms after the failure');
      expect(a.mayHaveFired).toEqual([expect.stringContaining('re-armed after a failed re-arm')]);
      expect(a.mayHaveFired[0]).toContain('EService:Unavailable');
    },
    scaled(20_000),
  );

  it(
    'a worker taking over after the recorded trigger time passed reports that Kraken may have fired; after a disarm it does not',
    async () => {
      await t.redis.set(t.keys.deadManSwitchTrigger, String(Date.now() - 1_000));
      const late = await aWorker('late');
      expect(late.deadMan.holding()).toBe(true);
      await waitFor(() => late.mayHaveFired.length === 1, 'the overdue switch is reported');
      expect(late.mayHaveFired[0]).toContain('nobody re-armed it');
      await late.deadMan.stop();
      expect(await t.redis.get(t.keys.deadManSwitchTrigger)).toBe('0');

      const next = await aWorker('next');
      expect(next.deadMan.holding()).toBe(true);
      await next.deadMan.stop();
      expect(next.mayHaveFired).toEqual([]);
    },
    scaled(20_000),
  );

  it(
    'reports the time Kraken will cancel, and null once disarmed',
    async () => {
      const exchange = new KrakenExchange({
        client: aKrakenClient({ baseUrl: server.url, redis: t.redis, keys: t.keys }),
      });
      expect(await exchange.armDeadManSwitch(60)).toBe('2023-03-24T17:42:56Z');
      server.override('CancelAllOrdersAfter', {
        body: { error: [], result: { currentTime: '2023-03-24T17:41:56Z', triggerTime: '0' } },
      });
      expect(await exchange.armDeadManSwitch(0)).toBeNull();
    },
    scaled(15_000),
  );
});
