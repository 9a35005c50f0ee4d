import { sql } from 'drizzle-orm';
import type { Db } from './open-database.ts';

/**
 * The database's wall clock now (`clock_timestamp()`, not the transaction's start), cut down
 * to the millisecond: never later than the real instant. Compare it with timestamps the
 * database stamped with `clock_timestamp()` (a reservation's `released_at`).
 */
export async function databaseNow(db: Db): Promise<Date> {
  const result = await db.execute<{ ms: string }>(
    sql`SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint::text AS ms`,
  );
  return new Date(Number(result.rows[0]!.ms));
}
