import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from '../../src/redis/find-executable.ts';
import { spawnRedisServer, type AppendFsync, type RedisServerProcess } from '../../src/redis/redis-server-process.ts';

export interface OwnRedisServerOptions {
  /** Default true. */
  appendonly?: boolean;
  /** Default `everysec`; `always` makes every acknowledged write survive SIGKILL. */
  appendfsync?: AppendFsync;
  /** Data directory; default a fresh temp dir, removed by `cleanup()`. */
  dir?: string;
  /** More redis-server arguments, e.g. `['--rename-command', 'CONFIG', '']`. */
  args?: string[];
}

/** A redis-server of the test's own, to stop, kill and restart without touching the shared one. */
export interface OwnRedisServer {
  url: string;
  port: number;
  dir: string;
  pid(): number;
  isRunning(): boolean;
  /** Sends `signal` (default SIGTERM: a clean shutdown that flushes the AOF) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** SIGKILL: a crash; only what the AOF already holds survives. */
  kill(): Promise<void>;
  /** Starts again on the same port and directory (stopping it first if it runs). */
  restart(): Promise<void>;
  /** Stops it and removes the directory if this helper created it. */
  cleanup(): Promise<void>;
}

const running = new Set<RedisServerProcess>();
process.once('exit', () => {
  for (const server of running) if (server.isRunning()) process.kill(server.pid, 'SIGKILL');
});

export async function startOwnRedisServer(opts: OwnRedisServerOptions = {}): Promise<OwnRedisServer> {
  const executable = findExecutable('redis-server');
  if (!executable) throw new Error('redis-server is not on the PATH; the tests need it');
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'tgtest-redis-')));

  const spawnOn = async (port?: number): Promise<RedisServerProcess> => {
    const server = await spawnRedisServer({
      executable,
      dir,
      port,
      appendonly: opts.appendonly ?? true,
      appendfsync: opts.appendfsync,
      args: opts.args,
    });
    running.add(server);
    void server.exited.then(() => running.delete(server));
    return server;
  };

  let server = await spawnOn();
  const port = server.port;
  const handle: OwnRedisServer = {
    url: server.url,
    port,
    dir,
    pid: () => server.pid,
    isRunning: () => server.isRunning(),
    stop: (signal = 'SIGTERM') => server.stop(signal),
    kill: () => server.stop('SIGKILL'),
    async restart() {
      await server.stop('SIGTERM');
      server = await spawnOn(port);
    },
    async cleanup() {
      await server.stop('SIGKILL');
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
  return handle;
}
