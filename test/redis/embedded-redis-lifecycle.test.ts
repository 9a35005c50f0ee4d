import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { embeddedRedisUrlFile } from '../../src/redis/embedded-redis.ts';
import { findFreePort } from '../../src/redis/free-port.ts';
import { pingRedis } from '../../src/redis/ping-redis.ts';
import { resolveRedis } from '../../src/redis/resolve-redis.ts';
import { silentLogger } from '../../src/shared/logger.ts';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/embedded-redis-process.ts', import.meta.url));

interface Started {
  url: string;
  embedded: boolean;
  pid: number;
}

/** Runs the fixture and resolves with what it printed once its Redis answers. */
function startOwner(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  const started = new Promise<Started>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as Started);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', () => reject(new Error(`fixture exited early: ${out} ${err}`)));
  });
  return { child, exited, started };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a private redis-server and the process that started it', () => {
  let dataDir: string;
  let localUrl: string;
  const leftovers: string[] = [];
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tgtest-data-'));
    localUrl = `redis://127.0.0.1:${await findFreePort()}`;
  });
  afterEach(async () => {
    for (const url of leftovers.splice(0)) {
      const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
      client.on('error', () => undefined);
      await client
        .connect()
        .then(() => client.call('SHUTDOWN', 'NOSAVE'))
        .catch(() => undefined);
      client.disconnect();
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is stopped, and its url file removed, when SIGTERM ends the process', async () => {
    const owner = startOwner({ TG_TEST_DATA_DIR: dataDir, TG_TEST_LOCAL_URL: localUrl });
    const started = await owner.started;
    leftovers.push(started.url);
    expect(started.embedded).toBe(true);
    expect(await pingRedis(started.url)).toBe(true);

    owner.child.kill('SIGTERM');
    expect(await owner.exited).toBe('SIGTERM');
    expect(await pingRedis(started.url)).toBe(false);
    expect(isAlive(started.pid)).toBe(false);
    expect(existsSync(embeddedRedisUrlFile(dataDir))).toBe(false);
  });

  it('outlives a process killed with SIGKILL, and the next process uses it', async () => {
    const owner = startOwner({ TG_TEST_DATA_DIR: dataDir, TG_TEST_LOCAL_URL: localUrl });
    const started = await owner.started;
    leftovers.push(started.url);
    owner.child.kill('SIGKILL');
    await owner.exited;

    const next = await resolveRedis({ allowEmbedded: true, dataDir, logger: silentLogger, localUrl });
    expect(next).toEqual({ url: started.url });
  });
});
