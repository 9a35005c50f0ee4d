import type { Redis } from 'ioredis';
import type { Keys } from '../keys.ts';
import type { BreakerName } from '../model/breaker-name.ts';

/**
 * Counts one trip of `breaker` in Redis (`keys.breakerTrips`), where `/metrics` reads it as
 * `triplegain_breaker_trips_total`. Never rejects: the trip itself (publish, halt) matters,
 * its count does not.
 */
export async function recordBreakerTrip(redis: Redis, keys: Keys, breaker: BreakerName): Promise<void> {
  try {
    await redis.hincrby(keys.breakerTrips, breaker, 1);
  } catch {
    // Dropped on purpose (see above).
  }
}
