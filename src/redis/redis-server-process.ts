import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { findFreePort } from './free-port.ts';
import { pingRedis } from './ping-redis.ts';

export type AppendFsync = 'always' | 'everysec' | 'no';

export interface SpawnRedisServerOptions {
  /** Path of the `redis-server` executable. */
  executable: string;
  /** Working directory: AOF (`appendonlydir/`) and `redis-server.log` go here; created when missing. */
  dir: string;
  /** Loopback port; default a free one (retried if another process takes it first). */
  port?: number;
  /** Append-only file on; default true. */
  appendonly?: boolean;
  /** Default `everysec`: at most one second of writes lost on a crash of the machine. */
  appendfsync?: AppendFsync;
  /** Start in its own process group, so a Ctrl-C in the terminal does not reach it. */
  detached?: boolean;
  /** More `--option value` arguments for redis-server. */
  args?: string[];
  /** How long to wait for the first PONG. Default 15 s (loading a large AOF takes time). */
  startTimeoutMs?: number;
}

/** A redis-server child process on 127.0.0.1. */
export interface RedisServerProcess {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly pid: number;
  /** Resolves with the exit code (or null when killed by a signal) once the process is gone. */
  readonly exited: Promise<number | null>;
  isRunning(): boolean;
  /** Sends `signal` and waits for the process to exit (SIGKILL after `timeoutMs`). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
  /** SHUTDOWN (the AOF is flushed), then SIGTERM, then SIGKILL, each after `timeoutMs`. */
  shutdown(timeoutMs?: number): Promise<void>;
}

const LOG_FILE = 'redis-server.log';

function timeout(ms: number): Promise<'timeout'> {
  return new Promise((resolve) => setTimeout(() => resolve('timeout'), ms).unref());
}

async function logTail(dir: string): Promise<string> {
  const text = await readFile(join(dir, LOG_FILE), 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-5).join('\n');
}

/**
 * Starts redis-server on 127.0.0.1 and resolves once it answers PING.
 *
 * @throws TriplegainError `REDIS_UNAVAILABLE` when it exits or stays silent, with the tail of
 *   its log.
 */
export async function spawnRedisServer(opts: SpawnRedisServerOptions): Promise<RedisServerProcess> {
  await mkdir(opts.dir, { recursive: true });
  const attempts = opts.port === undefined ? 3 : 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = opts.port ?? (await findFreePort());
    try {
      return await spawnOnce(opts, port);
    } catch (err) {
      lastError = err;
      // Another process may have taken the free port between our probe and redis' bind.
      if (!(err instanceof TriplegainError && /address already in use/i.test(err.message))) throw err;
    }
  }
  throw lastError;
}

async function spawnOnce(opts: SpawnRedisServerOptions, port: number): Promise<RedisServerProcess> {
  const url = `redis://127.0.0.1:${port}`;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    opts.dir,
    '--logfile',
    LOG_FILE,
    '--daemonize',
    'no',
    '--appendonly',
    opts.appendonly === false ? 'no' : 'yes',
    '--appendfsync',
    opts.appendfsync ?? 'everysec',
    '--maxmemory-policy',
    'noeviction',
    '--save',
    '',
    ...(opts.args ?? []),
  ];
  const child = spawn(opts.executable, args, { cwd: opts.dir, stdio: 'ignore', detached: opts.detached ?? false });
  let running = true;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running = false;
      resolve(code);
    });
    child.once('error', () => {
      running = false;
      resolve(null);
    });
  });
  if (opts.detached) child.unref();

  const deadline = Date.now() + (opts.startTimeoutMs ?? 15_000);
  while (!(await pingRedis(url, 250))) {
    if (!running || Date.now() > deadline) {
      if (running) child.kill('SIGKILL');
      await exited;
      throw new TriplegainError(
        'REDIS_UNAVAILABLE',
        `redis-server on port ${port} did not start: ${(await logTail(opts.dir)) || 'no log output'}`,
        {
          port,
          dir: opts.dir,
        },
      );
    }
    await timeout(50);
  }

  const stop = async (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<void> => {
    if (!running) return;
    child.kill(signal);
    if ((await Promise.race([exited, timeout(timeoutMs)])) === 'timeout') {
      child.kill('SIGKILL');
      await exited;
    }
  };

  return {
    url,
    port,
    dir: opts.dir,
    pid: child.pid!,
    exited,
    isRunning: () => running,
    stop,
    async shutdown(timeoutMs = 10_000) {
      if (!running) return;
      const client = new Redis(url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        connectTimeout: 1_000,
      });
      client.on('error', () => undefined);
      // The server closes the connection instead of replying: the rejection is expected.
      await client
        .connect()
        .then(() => client.call('SHUTDOWN'))
        .catch(() => undefined);
      client.disconnect();
      if ((await Promise.race([exited, timeout(timeoutMs)])) === 'timeout') await stop('SIGTERM', timeoutMs);
    },
  };
}
