import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config.ts';
import { KrakenPrivateClient } from '../kraken/kraken-private-client.ts';
import type { Keys } from '../keys.ts';
import { InstrumentBook, instrumentOverridesOf } from '../market/instrument-book.ts';
import { KrakenPublicClient } from '../kraken/kraken-public-client.ts';
import { KrakenRateLimiter } from '../kraken/kraken-rate-limiter.ts';
import type { Logger } from '../shared/logger.ts';
import { KrakenAccountReader } from './kraken-account-reader.ts';
import { KrakenOrderValidator } from './kraken-order-validator.ts';
import type { LiveCheckDeps } from './run-live-check.ts';

/**
 * The live check against the Kraken the config names: public data through `marketData.kraken`
 * and the shared public limiter, the account through one `KrakenPrivateClient` on
 * `execution.kraken` (its lock, nonces and counters shared in Redis with every replica).
 *
 * @throws TriplegainError `CONFIG_INVALID` when the credentials are missing or malformed.
 */
export function krakenLiveCheckDeps(opts: {
  config: AppConfig;
  redis: Redis;
  keys: Keys;
  logger?: Logger;
}): LiveCheckDeps {
  const { config, redis, keys, logger } = opts;
  const publicLimiter = new KrakenRateLimiter({
    redis,
    key: keys.rateLimit('kraken:public'),
    ...config.marketData.kraken.publicRateLimit,
  });
  const client = new KrakenPrivateClient({
    config: config.execution.kraken,
    redis,
    keys,
    publicLimiter,
    ...(logger ? { logger } : {}),
  });
  return {
    config,
    instrumentsFrom: (assetPairs) => InstrumentBook.fromAssetPairs(assetPairs, instrumentOverridesOf(config)),
    market: new KrakenPublicClient({ config: config.marketData.kraken, limiter: publicLimiter }),
    account: new KrakenAccountReader(client),
    validator: new KrakenOrderValidator(client),
  };
}
