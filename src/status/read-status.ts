import type { Redis } from 'ioredis';
import type { Keys } from '../keys.ts';
import type { Timeframe } from '../model/timeframe.ts';
import { redactSecrets } from '../shared/redact-secrets.ts';
import { describeError } from '../shared/triplegain-error.ts';
import { readDatabasePart } from './read-database-part.ts';
import { readRedisPart } from './read-redis-part.ts';
import type { SqlClient } from './sql-client.ts';
import { StatusDocument, type UnavailablePart } from './status-document.ts';

/** A source that could not be opened: why, said to people (secrets redacted). */
export interface SourceUnavailable {
  error: string;
}

export interface StatusSources {
  /** Redis and the key layout, or why it could not be reached. */
  redis: { redis: Redis; keys: Keys } | SourceUnavailable;
  /** The database (`sqlClientOf(database)`, or a pool of its own), or why it could not be opened. */
  database: { sql: SqlClient } | SourceUnavailable;
  /** The account whose positions, orders and valuations are shown: `execution.exchange`. */
  account: string;
  /** Marks are the latest stored closes of this timeframe (`marketData.timeframe`), as valuation takes them. */
  timeframe: Timeframe;
  nowMs: number;
  /** Wall time each part may take before it is reported unavailable. */
  timeoutMs: number;
}

/**
 * Builds the status document (`StatusDocument`): reads Redis and the database at the same
 * time, each within `timeoutMs` of wall time. A source that is unavailable, or whose read
 * fails or overruns, becomes `{ available: false, error }` and the other part is still
 * returned: it never throws for a source's failure. The one reader behind `triplegain
 * status`, `GET /control/status`, the status page and the metrics.
 */
export async function readStatus(sources: StatusSources): Promise<StatusDocument> {
  const [redis, database] = await Promise.all([
    'error' in sources.redis
      ? unavailable(sources.redis.error)
      : settle(readRedisPart(sources.redis), sources.timeoutMs, 'Redis'),
    'error' in sources.database
      ? unavailable(sources.database.error)
      : settle(
          readDatabasePart({
            sql: sources.database.sql,
            account: sources.account,
            timeframe: sources.timeframe,
            nowMs: sources.nowMs,
          }),
          sources.timeoutMs,
          'the database',
        ),
  ]);
  return StatusDocument.parse({
    schemaVersion: 1,
    generatedAtMs: sources.nowMs,
    complete: redis.available && database.available,
    redis,
    database,
  });
}

function unavailable(error: string): UnavailablePart {
  return { available: false, error: redactSecrets(error) };
}

/** The part, or unavailable when reading it failed or took longer than `timeoutMs`. */
async function settle<T>(read: Promise<T>, timeoutMs: number, what: string): Promise<T | UnavailablePart> {
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<UnavailablePart>((resolve) => {
    timer = setTimeout(() => resolve(unavailable(`${what} did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([
      read.catch((err: unknown) =>
        unavailable(`reading ${what} failed: ${err instanceof Error ? err.message : describeError(err)}`),
      ),
      overrun,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
