import type { Database } from '../db/open-database.ts';

/**
 * What the status reader needs of a database: one parameterised query answering `{ rows }`.
 * `pg`'s `Pool` and PGlite both are one, so the reader runs without drizzle (a third of a
 * status command's start-up) and in-process on either driver.
 */
export interface SqlClient {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** The raw client under an opened `Database`: its pool on PostgreSQL, its instance on PGlite. */
export function sqlClientOf(database: Database): SqlClient {
  return database.driver === 'postgres' ? database.pool : database.client;
}
