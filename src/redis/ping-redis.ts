import { Redis } from 'ioredis';

/**
 * True when a Redis at `url` answers PING within `timeoutMs`. Never throws, never retries:
 * used to probe candidates, not to connect for real. A Redis that is still loading its AOF,
 * or that wants a password the URL does not carry, does not count as answering.
 */
export async function pingRedis(url: string, timeoutMs = 500): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    enableReadyCheck: false,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
