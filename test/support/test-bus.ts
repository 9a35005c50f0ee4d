import { Redis } from 'ioredis';
import { Bus } from '../../src/bus/bus.ts';
import type { Clock } from '../../src/clock/clock.ts';
import { BusConfig } from '../../src/config/sections/bus-config.ts';
import { createTestRedis, type TestRedis } from './test-redis.ts';

/** Bus settings that make retries, claims and breakers happen within a test's patience. */
export const fastBusConfig = {
  claimIdleMs: 400,
  claimIntervalMs: 100,
  retryDelayMs: 10,
  blockMs: 100,
  handlerTimeoutMs: 2_000,
  breaker: { failureThreshold: 5, cooldownMs: 300 },
} satisfies Partial<BusConfig>;

export interface TestBus extends TestRedis {
  bus: Bus;
  /** Another Bus on its own connection, as a second process would have. */
  another(service?: string): Bus;
}

export async function createTestBus(
  options: { config?: Partial<BusConfig>; clock?: Clock; service?: string } = {},
): Promise<TestBus> {
  const t = await createTestRedis();
  const config = BusConfig.parse({ ...fastBusConfig, ...options.config });
  const extras: { bus: Bus; redis: Redis }[] = [];
  const bus = new Bus({
    redis: t.redis,
    keys: t.keys,
    service: options.service ?? 'test',
    config,
    clock: options.clock,
  });
  return {
    ...t,
    bus,
    another(service = 'test') {
      const redis = new Redis(t.url, { maxRetriesPerRequest: 3 });
      const other = new Bus({ redis, keys: t.keys, service, config, clock: options.clock });
      extras.push({ bus: other, redis });
      return other;
    },
    async cleanup() {
      await bus.close(1_000);
      for (const e of extras) {
        await e.bus.close(1_000);
        e.redis.disconnect();
      }
      await t.cleanup();
    },
  };
}
