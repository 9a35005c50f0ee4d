import { Client } from 'pg';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/redis/free-port.ts';
import { testDatabaseUrl } from './test-database.ts';
import { testRedisUrl } from './test-redis.ts';
import { resolveTestDatabase, resolveTestRedis } from './test-services.ts';

/** Starting a private PostgreSQL runs initdb: seconds on an idle machine, more on a loaded one. */
const START_TIMEOUT_MS = 120_000;

const silentPostgresUrl = async (): Promise<string> =>
  `postgres://app:hunter2-secret@127.0.0.1:${await findFreePort()}/test`;
const silentRedisUrl = async (): Promise<string> => `redis://:hunter2-secret@127.0.0.1:${await findFreePort()}`;

describe('the services the tests use', () => {
  it('hands every test process the URLs the global set-up resolved', () => {
    expect(process.env.TEST_DATABASE_URL).toBe(testDatabaseUrl);
    expect(process.env.TEST_REDIS_URL).toBe(testRedisUrl);
  });

  it('refuses an explicit TEST_DATABASE_URL that does not answer, naming it without its password', async () => {
    const url = await silentPostgresUrl();
    const attempt = resolveTestDatabase({ env: { TEST_DATABASE_URL: url } });
    await expect(attempt).rejects.toThrow(
      /^TEST_DATABASE_URL \(postgres:\/\/app:\*\*\*@127\.0\.0\.1:\d+\/test\) does not answer/,
    );
    await expect(attempt).rejects.not.toThrow(/hunter2/);
  });

  it('refuses an explicit TEST_REDIS_URL or REDIS_URL that does not answer, naming the variable', async () => {
    await expect(resolveTestRedis({ env: { TEST_REDIS_URL: await silentRedisUrl() } })).rejects.toThrow(
      /^TEST_REDIS_URL \(redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\) does not answer a PING$/,
    );
    await expect(resolveTestRedis({ env: { REDIS_URL: await silentRedisUrl() } })).rejects.toThrow(/^REDIS_URL /);
  });

  it('uses the local servers when they answer', async () => {
    const database = await resolveTestDatabase({ env: {}, localUrl: testDatabaseUrl });
    const redis = await resolveTestRedis({ env: {}, localUrl: testRedisUrl });
    expect([database.origin, database.url, redis.origin, redis.url]).toEqual([
      'local',
      testDatabaseUrl,
      'local',
      testRedisUrl,
    ]);
  });

  it(
    'starts a private PostgreSQL when nothing answers on the local address, and removes it after',
    async () => {
      const database = await resolveTestDatabase({ env: {}, localUrl: await silentPostgresUrl() });
      expect(database.origin).toBe('embedded');
      const client = new Client({ connectionString: database.url });
      await client.connect();
      const { rows } = await client.query<{ db: string; fsync: string }>(
        "SELECT current_database() AS db, current_setting('fsync') AS fsync",
      );
      await client.end();
      expect(rows).toEqual([{ db: 'test', fsync: 'off' }]);
      await database.stop();
      const after = new Client({ connectionString: database.url, connectionTimeoutMillis: 2_000 });
      after.on('error', () => {});
      await expect(after.connect()).rejects.toThrow();
    },
    START_TIMEOUT_MS,
  );

  it(
    'starts private servers when TRIPLEGAIN_TEST_EMBEDDED=1 even though local ones answer',
    async () => {
      const env = { TRIPLEGAIN_TEST_EMBEDDED: '1' };
      const redis = await resolveTestRedis({ env, localUrl: testRedisUrl });
      try {
        expect(redis.origin).toBe('embedded');
        expect(redis.url).not.toBe(testRedisUrl);
        const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
        await client.connect();
        expect(await client.ping()).toBe('PONG');
        client.disconnect();
      } finally {
        await redis.stop();
      }
      const database = await resolveTestDatabase({ env, localUrl: testDatabaseUrl });
      try {
        expect(database.origin).toBe('embedded');
        expect(database.url).not.toBe(testDatabaseUrl);
      } finally {
        await database.stop();
      }
    },
    START_TIMEOUT_MS,
  );
});
