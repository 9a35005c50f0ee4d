import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { Bus } from '../bus/bus.ts';
import { systemClock, type Clock } from '../clock/clock.ts';
import type { AppConfig } from '../config/app-config.ts';
import { loadConfig } from '../config/load-config.ts';
import type { Database } from '../db/open-database.ts';
import { createKeys, type Keys } from '../keys.ts';
import { checkEvictionPolicy } from '../redis/check-eviction-policy.ts';
import { createRedis } from '../redis/create-redis.ts';
import type { EmbeddedRedis } from '../redis/embedded-redis.ts';
import { resolveRedis } from '../redis/resolve-redis.ts';
import { createLogger, type Logger } from '../shared/logger.ts';
import { redactSecrets, redactUrl } from '../shared/redact-secrets.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';

export interface Runtime {
  config: AppConfig;
  logger: Logger;
  clock: Clock;
  redis: Redis;
  redisUrl: string;
  keys: Keys;
  bus: Bus;
  /** Present when `withDatabase` was asked for. */
  database?: Database;
  /** The private redis-server this process started, if any. */
  embeddedRedis?: EmbeddedRedis;
  close(): Promise<void>;
}

export interface OpenRuntimeOptions {
  configFile?: string;
  /** Start a private redis-server when none is reachable (the run command does; tools don't). */
  allowEmbeddedRedis?: boolean;
  /** Open and migrate the database. */
  withDatabase?: boolean;
  /** With `withDatabase`: a fresh in-memory PGlite instead of the configured database (the demo). */
  inMemoryDatabase?: boolean;
  /** Service name on the bus. */
  service?: string;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  clock?: Clock;
  /** Runs on the loaded config before anything is opened (Redis, the database): a refusal costs nothing. */
  checkConfig?: (config: AppConfig) => void;
}

/**
 * Everything a process needs, built once from config: Redis (local, `REDIS_URL`, or a
 * private redis-server), the bus, and optionally the migrated database.
 */
export async function openRuntime(options: OpenRuntimeOptions = {}): Promise<Runtime> {
  const env = options.env ?? process.env;
  const { config } = loadConfig({ file: options.configFile, env });
  options.checkConfig?.(config);
  const logger = options.logger ?? createLogger({ level: config.app.logLevel });
  const clock = options.clock ?? systemClock;

  const resolved = await resolveRedis({
    envUrl: config.redis.url || undefined,
    allowEmbedded: (options.allowEmbeddedRedis ?? false) && config.redis.embedded.enabled,
    dataDir: config.app.dataDir,
    appendfsync: config.redis.embedded.appendfsync,
    logger,
  });
  const redis = createRedis(resolved.url, { name: options.service ?? 'triplegain' });
  try {
    await pingWithin(redis, config.app.connectTimeoutMs);
  } catch (err) {
    // Release the connection (it would reconnect for ever and keep the process alive).
    redis.disconnect();
    await resolved.embedded?.stop();
    throw new TriplegainError(
      'REDIS_UNAVAILABLE',
      `cannot reach Redis at ${redactUrl(resolved.url)} within ${config.app.connectTimeoutMs} ms: ${redactSecrets(err instanceof Error ? err.message : describeError(err))}`,
      { redis: redactUrl(resolved.url) },
    );
  }
  await checkEvictionPolicy(redis, logger);
  logger.info({ redis: redactUrl(resolved.url), embedded: Boolean(resolved.embedded) }, 'redis connected');

  const keys = createKeys(config.redis.keyPrefix);
  const bus = new Bus({ redis, keys, service: options.service ?? 'triplegain', config: config.bus, clock, logger });

  let database: Database | undefined;
  if (options.withDatabase) {
    try {
      // Loaded only here: drizzle and the database drivers would double the start of a CLI
      // command that needs Redis only.
      const [{ openConfiguredDatabase }, { openMigratedPglite }] = await Promise.all([
        import('./open-configured-database.ts'),
        import('../db/open-migrated-pglite.ts'),
      ]);
      // In memory: from the migrated template kept under the data directory (no initdb each run).
      database = options.inMemoryDatabase
        ? await openMigratedPglite({ cacheDir: join(config.app.dataDir, 'cache') })
        : await openConfiguredDatabase(config, { applicationName: 'triplegain' });
    } catch (err) {
      // Release what is open, or the Redis connection would keep a failed process alive.
      await database?.close();
      await bus.close();
      redis.disconnect();
      await resolved.embedded?.stop();
      throw err;
    }
    logger.info({ driver: database.driver }, 'database migrated');
  }

  return {
    config,
    logger,
    clock,
    redis,
    redisUrl: resolved.url,
    keys,
    bus,
    database,
    embeddedRedis: resolved.embedded,
    async close() {
      await bus.close();
      await database?.close();
      redis.disconnect();
      await resolved.embedded?.stop();
    },
  };
}

/** PING that gives up after `timeoutMs` of wall time (ioredis would queue it through reconnects). */
async function pingWithin(redis: Redis, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer')), timeoutMs);
  });
  try {
    await Promise.race([redis.ping(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
