import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { embeddedRedisUrlFile, type EmbeddedRedis } from '../../src/redis/embedded-redis.ts';
import { findFreePort } from '../../src/redis/free-port.ts';
import { pingRedis } from '../../src/redis/ping-redis.ts';
import { resolveRedis } from '../../src/redis/resolve-redis.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { TriplegainError } from '../../src/shared/triplegain-error.ts';
import { testRedisUrl } from '../support/test-redis.ts';
import { scaled } from '../support/test-timing.ts';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/resolve-redis-process.ts', import.meta.url));

/** A loopback URL where nothing listens, standing in for "no Redis on 6379". */
async function silentUrl(): Promise<string> {
  return `redis://127.0.0.1:${await findFreePort()}`;
}

describe('resolveRedis', () => {
  let dataDir: string;
  const started: EmbeddedRedis[] = [];
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tgtest-data-'));
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((e) => e.stop()));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uses REDIS_URL as is, without probing or falling back', async () => {
    const envUrl = 'redis://:pw@redis.invalid:6380/2';
    const resolved = await resolveRedis({
      envUrl,
      allowEmbedded: true,
      dataDir,
      logger: silentLogger,
      localUrl: testRedisUrl,
    });
    expect(resolved).toEqual({ url: envUrl });
    expect(existsSync(embeddedRedisUrlFile(dataDir))).toBe(false);
  });

  it('uses the local Redis when it answers', async () => {
    const resolved = await resolveRedis({ allowEmbedded: true, dataDir, logger: silentLogger, localUrl: testRedisUrl });
    expect(resolved).toEqual({ url: testRedisUrl });
  });

  it('says how to get Redis when none answers and embedding is not allowed', async () => {
    const attempt = resolveRedis({ allowEmbedded: false, dataDir, logger: silentLogger, localUrl: await silentUrl() });
    await expect(attempt).rejects.toBeInstanceOf(TriplegainError);
    await expect(attempt).rejects.toMatchObject({
      code: 'REDIS_UNAVAILABLE',
      message: expect.stringContaining('triplegain start'),
    });
    await expect(attempt).rejects.toMatchObject({ message: expect.stringContaining('REDIS_URL') });
  });

  it('says how to install redis-server when it is not on the PATH', async () => {
    const emptyBin = join(dataDir, 'empty-bin');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture], {
      cwd: projectRoot,
      env: { ...process.env, PATH: emptyBin, TG_TEST_DATA_DIR: dataDir, TG_TEST_LOCAL_URL: await silentUrl() },
      timeout: scaled(30_000),
    });
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as { code?: string; message: string };
    expect(result.code).toBe('REDIS_UNAVAILABLE');
    expect(result.message).toContain('redis-server is not on the PATH');
    expect(result.message).toContain('apt-get install redis-server');
    expect(result.message).toContain('brew install redis');
    expect(result.message).toContain('docker compose up -d redis');
    expect(result.message).toContain('REDIS_URL');
  });

  it('starts a private redis-server with AOF in the data dir, publishes its URL, and stop() removes it', async () => {
    const resolved = await resolveRedis({
      allowEmbedded: true,
      dataDir,
      appendfsync: 'always',
      logger: silentLogger,
      localUrl: await silentUrl(),
    });
    const embedded = resolved.embedded!;
    started.push(embedded);
    expect(embedded).toBeDefined();
    expect(resolved.url).toBe(embedded.url);
    expect(embedded.dir).toBe(join(dataDir, 'redis'));
    expect((await readFile(embeddedRedisUrlFile(dataDir), 'utf8')).trim()).toBe(embedded.url);

    const client = new Redis(embedded.url);
    try {
      expect(await client.ping()).toBe('PONG');
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await client.config('GET', 'appendfsync')).toEqual(['appendfsync', 'always']);
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      await client.set('tgtest:aof', 'kept');
    } finally {
      client.disconnect();
    }
    const aofDir = join(embedded.dir, 'appendonlydir');
    expect((await readdir(aofDir)).some((f) => f.endsWith('.incr.aof'))).toBe(true);
    expect(
      await readFile(join(aofDir, (await readdir(aofDir)).find((f) => f.endsWith('.incr.aof'))!), 'utf8'),
    ).toContain('tgtest:aof');

    await embedded.stop();
    expect(existsSync(embeddedRedisUrlFile(dataDir))).toBe(false);
    expect(await pingRedis(embedded.url)).toBe(false);
    expect(() => process.kill(embedded.pid, 0)).toThrow();
    await embedded.stop(); // idempotent
  });

  it('finds a running private redis-server through its url file instead of starting another', async () => {
    const localUrl = await silentUrl();
    const first = await resolveRedis({ allowEmbedded: true, dataDir, logger: silentLogger, localUrl });
    started.push(first.embedded!);
    const second = await resolveRedis({ allowEmbedded: false, dataDir, logger: silentLogger, localUrl });
    expect(second).toEqual({ url: first.url });
    const third = await resolveRedis({ allowEmbedded: true, dataDir, logger: silentLogger, localUrl });
    expect(third.embedded).toBeUndefined();
    expect(third.url).toBe(first.url);
  });

  it('reopens the data of a stopped private redis-server on the next start', async () => {
    const localUrl = await silentUrl();
    const first = (await resolveRedis({ allowEmbedded: true, dataDir, logger: silentLogger, localUrl })).embedded!;
    const client = new Redis(first.url);
    await client.set('tgtest:persisted', 'yes');
    client.disconnect();
    await first.stop();

    const second = (await resolveRedis({ allowEmbedded: true, dataDir, logger: silentLogger, localUrl })).embedded!;
    started.push(second);
    const again = new Redis(second.url);
    try {
      expect(await again.get('tgtest:persisted')).toBe('yes');
    } finally {
      again.disconnect();
    }
  });
});
