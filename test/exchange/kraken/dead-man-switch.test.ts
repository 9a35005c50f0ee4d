import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KrakenExchange } from '../../../src/exchange/kraken/kraken-exchange.ts';
import { startDeadManSwitch } from '../../../src/execution/dead-man-switch.ts';
import { silentLogger } from '../../../src/shared/logger.ts';
import { startKrakenPrivateServer, type KrakenPrivateServer } from '../../support/kraken-private-server.ts';
import { createTestRedis, type TestRedis } from '../../support/test-redis.ts';
import { waitFor } from '../../support/wait-for.ts';
import { aKrakenClient } from './kraken-builders.ts';

describe("Kraken's dead man's switch", () => {
  let server: KrakenPrivateServer;
  let t: TestRedis;
  beforeEach(async () => {
    t = await createTestRedis();
    server = await startKrakenPrivateServer();
    // Kraken's documented answer.
    server.override('CancelAllOrdersAfter', { body: { error: [], result: { currentTime: '2023-03-24T17:41:56Z', triggerTime: '2023-03-24T17:42:56Z' } } });
  });
  afterEach(async () => {
    await server.close();
    await t.cleanup();
  });

  it('arms CancelAllOrdersAfter at once and re-arms it every third of the timeout', async () => {
    const exchange = new KrakenExchange({ client: aKrakenClient({ baseUrl: server.url, redis: t.redis, keys: t.keys }) });
    const deadMan = startDeadManSwitch({ exchange, timeoutSec: 3, logger: silentLogger });
    try {
      await deadMan.armed;
      const calls = () => server.requests.filter((r) => r.method === 'CancelAllOrdersAfter');
      expect(calls()).toHaveLength(1);
      expect(calls()[0]!.params.get('timeout')).toBe('3');
      expect(calls()[0]!.verdict).toBe('accepted');
      await waitFor(() => calls().length >= 2, 're-armed', 5_000);
    } finally {
      deadMan.stop();
    }
  }, 15_000);

  it('reports the time Kraken will cancel, and null once disarmed', async () => {
    const exchange = new KrakenExchange({ client: aKrakenClient({ baseUrl: server.url, redis: t.redis, keys: t.keys }) });
    expect(await exchange.armDeadManSwitch(60)).toBe('2023-03-24T17:42:56Z');
    server.override('CancelAllOrdersAfter', { body: { error: [], result: { currentTime: '2023-03-24T17:41:56Z', triggerTime: '0' } } });
    expect(await exchange.armDeadManSwitch(0)).toBeNull();
  }, 15_000);
});
