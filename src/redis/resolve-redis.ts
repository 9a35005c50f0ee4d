import { readFile } from 'node:fs/promises';
import type { Logger } from '../shared/logger.ts';
import { redactUrl } from '../shared/redact-secrets.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { embeddedRedisUrlFile, startEmbeddedRedis, type EmbeddedRedis } from './embedded-redis.ts';
import { pingRedis } from './ping-redis.ts';
import type { AppendFsync } from './redis-server-process.ts';

export const DEFAULT_LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

export interface ResolveRedisOptions {
  /** `REDIS_URL`: when set it is used as is, with no fallback. */
  envUrl?: string;
  /** Start a private redis-server when nothing answers (`triplegain start` does; tools don't). */
  allowEmbedded: boolean;
  /** The app data directory; a private Redis lives in `<dataDir>/redis`. */
  dataDir: string;
  /** For a private Redis. Default `everysec`. */
  appendfsync?: AppendFsync;
  logger: Logger;
  /** The local Redis tried first. Default `redis://127.0.0.1:6379`. */
  localUrl?: string;
  /** How long a candidate has to answer PING. Default 500 ms. */
  pingTimeoutMs?: number;
  /** Environment whose PATH is searched for redis-server. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

export interface ResolvedRedis {
  url: string;
  /** Set when this call started a private redis-server; stop it on shutdown. */
  embedded?: EmbeddedRedis;
}

async function readUrlFile(dataDir: string): Promise<string | undefined> {
  const text = await readFile(embeddedRedisUrlFile(dataDir), 'utf8').catch(() => '');
  return text.trim() || undefined;
}

/** Waits for the process holding the lock to publish its URL. */
async function waitForUrlFile(dataDir: string, pingTimeoutMs: number, timeoutMs = 20_000): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const url = await readUrlFile(dataDir);
    if (url && (await pingRedis(url, pingTimeoutMs))) return url;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

/**
 * Finds the Redis to use, in order:
 * 1. `envUrl` (REDIS_URL), as is;
 * 2. a Redis answering at `localUrl` (redis://127.0.0.1:6379);
 * 3. the private redis-server another local process of ours started (`<dataDir>/redis/redis.url`);
 * 4. when `allowEmbedded`, a new private redis-server from the PATH (see `startEmbeddedRedis`).
 *
 * @throws TriplegainError `REDIS_UNAVAILABLE` saying what to do: install or start Redis, set
 *   REDIS_URL, or run `triplegain start`, which starts a private one.
 */
export async function resolveRedis(opts: ResolveRedisOptions): Promise<ResolvedRedis> {
  if (opts.envUrl) return { url: opts.envUrl };

  const localUrl = opts.localUrl ?? DEFAULT_LOCAL_REDIS_URL;
  const pingTimeoutMs = opts.pingTimeoutMs ?? 500;
  if (await pingRedis(localUrl, pingTimeoutMs)) {
    opts.logger.debug({ url: redactUrl(localUrl) }, 'using local redis');
    return { url: localUrl };
  }

  const published = await readUrlFile(opts.dataDir);
  if (published && (await pingRedis(published, pingTimeoutMs))) {
    opts.logger.info({ url: published }, 'using the private redis-server of another local process');
    return { url: published };
  }

  if (!opts.allowEmbedded) {
    throw new TriplegainError(
      'REDIS_UNAVAILABLE',
      `no Redis answers at ${redactUrl(localUrl)} and no private redis-server is running in ${opts.dataDir}: ` +
        'start one (`docker compose up -d redis`, or `redis-server`), set REDIS_URL, ' +
        'or run `triplegain start`, which starts a private one',
      { localUrl: redactUrl(localUrl), dataDir: opts.dataDir },
    );
  }

  try {
    const embedded = await startEmbeddedRedis({
      dataDir: opts.dataDir,
      appendfsync: opts.appendfsync,
      logger: opts.logger,
      env: opts.env,
    });
    return { url: embedded.url, embedded };
  } catch (err) {
    // Another local process won the race to start one: use it once it answers.
    if (err instanceof TriplegainError && typeof err.details.lockedByPid === 'number') {
      const url = await waitForUrlFile(opts.dataDir, pingTimeoutMs);
      if (url) return { url };
    }
    if (err instanceof TriplegainError && err.code === 'REDIS_UNAVAILABLE') {
      throw new TriplegainError(
        'REDIS_UNAVAILABLE',
        `no Redis answers at ${redactUrl(localUrl)}, and ${err.message}`,
        err.details,
        { cause: err },
      );
    }
    throw err;
  }
}
