import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOwnRedisServer, type OwnRedisServer } from '../support/own-redis-server.ts';
import { spawnTs, type TsProcess } from '../support/spawn-ts.ts';
import { scaled } from '../support/test-timing.ts';

describe('a worker stopped while Redis is gone', () => {
  let redis: OwnRedisServer;
  let dataDir: string;
  let proc: TsProcess | undefined;
  beforeEach(async () => {
    redis = await startOwnRedisServer({ appendonly: false });
    dataDir = await mkdtemp(join(tmpdir(), 'tgtest-stop-without-redis-'));
  });
  afterEach(async () => {
    proc?.child.kill('SIGKILL');
    await redis.cleanup();
    await rm(dataDir, { recursive: true, force: true });
  });

  it(
    'still exits within app.shutdownDeadlineMs and its grace, saying it gave up',
    async () => {
      proc = spawnTs(
        'bin/triplegain.mjs',
        {
          REDIS_URL: redis.url,
          DATABASE_URL: '',
          TRIPLEGAIN__DATABASE__PGLITE_DIR: join(dataDir, 'pglite'),
          TRIPLEGAIN__APP__SHUTDOWN_DEADLINE_MS: '1000',
          TRIPLEGAIN__APP__SHUTDOWN_GRACE_MS: '1000',
          TRIPLEGAIN__APP__LOG_LEVEL: 'info',
        },
        ['start', '--role', 'worker'],
      );
      await proc.waitForOutput('triplegain started', scaled(60_000));
      await redis.kill();
      const sentMs = Date.now();
      proc.child.kill('SIGTERM');
      const code = await proc.exited;
      // The deadline (1 s) and the grace (1 s): a stop that waits on Redis for ever is cut short,
      // and by its own timer, not after a default grace of 10 s.
      expect(Date.now() - sentMs).toBeLessThan(scaled(8_000));
      expect(code).toBe(1);
      expect(proc.output()).toContain('shutdown overran its deadline');
    },
    scaled(90_000),
  );
});
