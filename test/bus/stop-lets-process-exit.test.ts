import { afterEach, describe, expect, it } from 'vitest';
import { spawnTs } from '../support/spawn-ts.ts';
import { createTestRedis, type TestRedis } from '../support/test-redis.ts';
import { scaled } from '../support/test-timing.ts';

describe('a stopped bus', () => {
  let t: TestRedis | undefined;
  afterEach(async () => {
    await t?.cleanup();
  });

  it(
    'leaves nothing that keeps the process alive: it ends when its work is done, not at the stop deadline',
    async () => {
      t = await createTestRedis();
      const child = spawnTs('test/fixtures/bus-stop-process.ts', { REDIS_URL: t.url, KEY_PREFIX: t.prefix });
      await child.waitForOutput('stopped', scaled(20_000));
      const stoppedAt = Date.now();
      expect(await child.exited).toBe(0);
      // The deadline given to the stop is 5 s; a timer of it left running held the process that long.
      expect(Date.now() - stoppedAt).toBeLessThan(4_000);
    },
    scaled(30_000),
  );
});
