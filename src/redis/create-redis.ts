import { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.ts';
import { redactSecrets, redactUrl } from '../shared/redact-secrets.ts';
import { describeError } from '../shared/triplegain-error.ts';
import { OutageLogger } from './outage-logger.ts';

export interface CreateRedisOptions {
  /**
   * A connection that issues blocking commands (XREADGROUP BLOCK, BullMQ workers). Its
   * commands wait for a reconnect indefinitely (`maxRetriesPerRequest: null`) instead of
   * failing after 20 reconnect attempts.
   */
  blocking?: boolean;
  /** Connection name shown by `CLIENT LIST`; whitespace becomes `-`. Default `triplegain`. */
  name?: string;
  /** Receives connection errors, with any password in them replaced by `***`. */
  logger?: Logger;
}

/** Exponential reconnect backoff from 50 ms, capped at 5 s, with jitter so replicas spread out. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt, 10), 5_000) + Math.floor(Math.random() * 250);
}

/**
 * A Redis connection for a long-lived service: it reconnects forever with capped backoff,
 * queues commands while offline, reconnects on READONLY (a failover demoted the primary),
 * and names itself for `CLIENT LIST`. Never logs the URL's password.
 */
export function createRedis(url: string, opts: CreateRedisOptions = {}): Redis {
  const connectionName = (opts.name ?? 'triplegain').replace(/\s+/g, '-');
  const redis = new Redis(url, {
    connectionName,
    maxRetriesPerRequest: opts.blocking ? null : 20,
    enableOfflineQueue: true,
    // Commands issued in the same tick go out in one write: fewer syscalls under load.
    enableAutoPipelining: true,
    retryStrategy: reconnectDelayMs,
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
    connectTimeout: 10_000,
    keepAlive: 30_000,
    // disconnect() arms a timer of this length to destroy a socket that has not closed, even
    // when the socket closed long ago (a disconnect while reconnecting, as after a failed
    // start): with ioredis' 2 s default every CLI command that could not reach Redis lived on
    // 2 s after its error (redis/ioredis#1247). A local close takes microseconds.
    disconnectTimeout: 200,
  });

  // Without a listener ioredis prints every failed reconnect attempt. An outage is two lines:
  // the first error, then, once the connection is ready again, how many attempts failed and
  // for how long; not one line per attempt.
  const logger = opts.logger;
  if (logger) {
    const outage = new OutageLogger({
      logger,
      messages: { started: 'redis connection error', ended: 'redis connection restored' },
      context: { redis: redactUrl(url), connection: connectionName },
      describe: (err) => redactSecrets(describeError(err)),
    });
    redis.on('error', (err: Error) => outage.failed(err));
    redis.on('ready', () => outage.succeeded());
  } else {
    redis.on('error', () => undefined);
  }
  return redis;
}
