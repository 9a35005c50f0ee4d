import { readFileSync, unlinkSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../shared/logger.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { findExecutable } from './find-executable.ts';
import { spawnRedisServer, type AppendFsync, type RedisServerProcess } from './redis-server-process.ts';

/** What to run when redis-server is missing; shown to the operator as is. */
export const REDIS_INSTALL_HINT =
  'install redis-server (Debian/Ubuntu: `apt-get install redis-server`; macOS: `brew install redis`), start Redis with `docker compose up -d redis`, or set REDIS_URL';

/** A private redis-server this process started, with its data in `<dataDir>/redis`. */
export interface EmbeddedRedis {
  readonly url: string;
  readonly port: number;
  /** `<dataDir>/redis`: the AOF, the log, and the `redis.url` file other local processes read. */
  readonly dir: string;
  readonly pid: number;
  /** SHUTDOWN (falling back to SIGTERM, then SIGKILL) and removal of the url file. Idempotent. */
  stop(): Promise<void>;
}

export interface StartEmbeddedRedisOptions {
  dataDir: string;
  /** Default `everysec`. */
  appendfsync?: AppendFsync;
  logger: Logger;
  /** Environment whose PATH is searched for redis-server. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

export const embeddedRedisDir = (dataDir: string): string => join(dataDir, 'redis');

/** Where a running private redis-server publishes its URL for other local processes. */
export const embeddedRedisUrlFile = (dataDir: string): string => join(embeddedRedisDir(dataDir), 'redis.url');

const lockFile = (dir: string): string => join(dir, 'redis.lock');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<dir>/redis.lock` for this process: two redis-servers writing one AOF directory would
 * corrupt it. A lock left by a dead process is taken over.
 *
 * @throws TriplegainError `REDIS_UNAVAILABLE` with `details.lockedByPid` when a live process holds it.
 */
async function acquireLock(dir: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(lockFile(dir), 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number.parseInt(await readFile(lockFile(dir), 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
      throw new TriplegainError('REDIS_UNAVAILABLE', `process ${owner} is running a private redis-server in ${dir}`, {
        lockedByPid: owner,
        dir,
      });
    }
    await rm(lockFile(dir), { force: true });
  }
  throw new TriplegainError('REDIS_UNAVAILABLE', `could not lock ${lockFile(dir)}`, { dir });
}

/**
 * Starts a private redis-server from the PATH on a free loopback port: AOF on (`appendfsync`
 * as given), `noeviction`, no RDB snapshots, data in `<dataDir>/redis`. Publishes its URL in
 * `<dataDir>/redis/redis.url`, and stops it when this process exits.
 *
 * On SIGINT/SIGTERM it stops the server itself only when nobody else listens for the signal;
 * an application with its own graceful shutdown calls `stop()` when it is done with Redis.
 *
 * @throws TriplegainError `REDIS_UNAVAILABLE`: redis-server is not on the PATH (the message says
 *   how to get one), another live process runs one in the same directory (`details.lockedByPid`),
 *   or it did not start.
 */
export async function startEmbeddedRedis(opts: StartEmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const executable = findExecutable('redis-server', opts.env);
  if (!executable) {
    throw new TriplegainError(
      'REDIS_UNAVAILABLE',
      `redis-server is not on the PATH, so no private Redis can be started: ${REDIS_INSTALL_HINT}`,
    );
  }
  const dir = embeddedRedisDir(opts.dataDir);
  const urlFile = embeddedRedisUrlFile(opts.dataDir);
  await mkdir(dir, { recursive: true });
  await acquireLock(dir);

  let server: RedisServerProcess;
  try {
    server = await spawnRedisServer({ executable, dir, appendfsync: opts.appendfsync ?? 'everysec', detached: true });
    const tmp = `${urlFile}.${process.pid}.tmp`;
    await writeFile(tmp, `${server.url}\n`);
    await rename(tmp, urlFile);
  } catch (err) {
    await rm(lockFile(dir), { force: true });
    throw err;
  }

  // Synchronous: also runs from the 'exit' event, where nothing asynchronous completes.
  const removeOwnFiles = (): void => {
    try {
      if (readFileSync(urlFile, 'utf8').trim() === server.url) unlinkSync(urlFile);
    } catch {
      // already gone
    }
    try {
      if (readFileSync(lockFile(dir), 'utf8').trim() === String(process.pid)) unlinkSync(lockFile(dir));
    } catch {
      // already gone
    }
  };
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      process.removeListener('exit', onExit);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      try {
        await server.shutdown();
      } finally {
        removeOwnFiles();
      }
      opts.logger.info({ url: server.url, dir }, 'private redis-server stopped');
    })());

  const onExit = (): void => {
    // redis-server flushes the AOF and exits on SIGTERM.
    if (server.isRunning()) process.kill(server.pid, 'SIGTERM');
    removeOwnFiles();
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) return;
    // Nobody else handles it: stop Redis, then let the signal do what it does by default.
    void stop().finally(() => process.kill(process.pid, signal));
  };
  process.once('exit', onExit);
  // Prepended, so that at signal time the application's own (once-)listeners are still counted.
  process.prependListener('SIGINT', onSignal);
  process.prependListener('SIGTERM', onSignal);

  opts.logger.info(
    { url: server.url, dir, pid: server.pid, appendfsync: opts.appendfsync ?? 'everysec' },
    'private redis-server started',
  );
  return { url: server.url, port: server.port, dir, pid: server.pid, stop };
}
