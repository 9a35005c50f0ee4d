import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { migrateDatabase } from '../db/migrate-database.ts';
import { openDatabase, type Database } from '../db/open-database.ts';
import { redactUrl } from '../shared/redact-secrets.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';

/**
 * Records, from inside the database but outside the cluster, the wall time at which every order
 * reached the (paper) exchange: an AFTER INSERT trigger on `paper_orders`. Inputs: the new row.
 * Output: one `chaos_submissions` row per client order id, at `clock_timestamp()` (the moment of
 * the insert, not the start of its transaction). Effects: none on the cluster's own tables.
 */
const SUBMISSIONS_TRIGGER = `
create table chaos_submissions (client_order_id text primary key, submitted_at timestamptz not null);
create function chaos_record_submission() returns trigger language plpgsql as $$
begin
  insert into chaos_submissions values (new.client_order_id, clock_timestamp()) on conflict do nothing;
  return new;
end $$;
create trigger chaos_record_submission after insert on paper_orders for each row execute function chaos_record_submission();
`;

/** A database of its own for one chaos run, on the server of `serverUrl`. */
export interface ChaosDatabase {
  /** URL of the new database, for the cluster's `DATABASE_URL`. */
  url: string;
  name: string;
  /** The harness's own connection to it (migrated, trigger installed). */
  database: Database;
  /** Wall time now by the database's clock (the clock the trigger stamps with). */
  now(): Promise<Date>;
  /** Orders that reached the exchange in `[from, to)`. */
  submissionsBetween(from: Date, to: Date): Promise<number>;
  /** When the newest panel decision was recorded, if any. */
  latestDecisionAt(): Promise<Date | null>;
  /**
   * `pg_terminate_backend` on the cluster's connections to this database that are running a
   * query (all of its connections when none is); returns how many were terminated.
   */
  terminateBusyBackends(): Promise<number>;
  /** Closes the harness's connections and drops the database. */
  drop(): Promise<void>;
}

/**
 * Creates `<prefix>_<seed>_<random>` (default prefix `tgchaos`; the rehearsal's is
 * `tgrehearse`) on the server `serverUrl` points at, migrates it and installs the submission
 * trigger.
 *
 * @throws TriplegainError `DATABASE_UNAVAILABLE` when the server cannot be reached.
 */
export async function createChaosDatabase(
  serverUrl: string,
  seed: number,
  prefix: 'tgchaos' | 'tgrehearse' = 'tgchaos',
): Promise<ChaosDatabase> {
  const name = `${prefix}_${seed}_${randomBytes(4).toString('hex')}`;
  const admin = new Pool({ connectionString: serverUrl, max: 1, connectionTimeoutMillis: 5_000 });
  admin.on('error', () => undefined);
  try {
    await admin.query(`create database ${name}`);
  } catch (err) {
    await admin.end();
    throw new TriplegainError(
      'DATABASE_UNAVAILABLE',
      `${prefix === 'tgchaos' ? 'chaos' : 'the rehearsal'} needs a PostgreSQL server to create its database on (DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres): ${redactUrl(serverUrl)}: ${(err as Error).message}`,
    );
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), applicationName: 'triplegain-chaos', maxConnections: 3 });
  if (database.driver !== 'postgres') throw new Error('unreachable: a URL opens PostgreSQL');
  await migrateDatabase(database);
  await database.pool.query(SUBMISSIONS_TRIGGER);
  const pool = database.pool;
  const first = async <T>(text: string, values: unknown[] = []): Promise<T> =>
    (await pool.query(text, values)).rows[0] as T;

  return {
    url: url.toString(),
    name,
    database,
    now: async () => (await first<{ now: Date }>('select clock_timestamp() as now')).now,
    submissionsBetween: async (from, to) =>
      (
        await first<{ n: number }>(
          'select count(*)::int as n from chaos_submissions where submitted_at >= $1 and submitted_at < $2',
          [from, to],
        )
      ).n,
    latestDecisionAt: async () =>
      (await first<{ at: Date | null }>('select max(created_at) as at from coordinator_decisions')).at,
    terminateBusyBackends: async () => {
      const { rows } = await pool.query<{ terminated: boolean }>(
        `with theirs as (
           select pid, state from pg_stat_activity
           where datname = current_database() and pid <> pg_backend_pid() and application_name <> 'triplegain-chaos' and backend_type = 'client backend'
         ), busy as (select pid from theirs where state = 'active')
         select pg_terminate_backend(pid) as terminated from theirs
         where pid in (select pid from busy) or not exists (select 1 from busy)`,
      );
      return rows.filter((r) => r.terminated).length;
    },
    drop: async () => {
      await database.close();
      // Whatever the cluster left connected goes with the database.
      await admin.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
      await admin.end();
    },
  };
}
