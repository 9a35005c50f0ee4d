import type { Client } from 'pg';

/**
 * Migrated test schemas handed from one test to the next within a test process. Creating and
 * migrating a schema costs PostgreSQL about 250 ms of CPU, emptying one about a tenth of that;
 * with about three hundred test databases a run, that is over a minute of a two-core machine.
 *
 * A schema is reused only when it is exactly as the migrations left it: its shape (relations,
 * columns with their defaults, constraints, triggers, functions, the journal's length) equals
 * the shape of a schema freshly migrated in this process. A test that altered its tables, or
 * anything that fails while emptying one, has its schema dropped instead. Emptying resets
 * identities, so a reused schema is indistinguishable from a new one to the next test.
 *
 * Only schemas of this run (`TRIPLEGAIN_TEST_RUN`, set by the global set-up, which drops them
 * at the end) are reused; without it every schema is dropped after its test, as before.
 */
export const testRunTag = process.env.TRIPLEGAIN_TEST_RUN;

const free: string[] = [];
let migratedShape: string | undefined;

/** A schema given back by an earlier test of this process, emptied, or `undefined`. */
export function takeRecycledSchema(): string | undefined {
  return free.pop();
}

/**
 * Records the shape of a schema the migrations just created, once per process (when that
 * fails, schemas are not reused).
 */
export async function noteMigratedShape(client: Client, schemaName: string): Promise<void> {
  if (!testRunTag || migratedShape) return;
  migratedShape = await schemaShape(client, schemaName).catch(() => undefined);
}

/**
 * Empties `schemaName` for the next test when it still has the migrated shape; `false` when it
 * is not reusable (the caller drops it).
 */
export async function recycleSchema(client: Client, schemaName: string): Promise<boolean> {
  if (!testRunTag || !migratedShape) return false;
  try {
    if ((await schemaShape(client, schemaName)) !== migratedShape) return false;
    const tables = await client.query<{ name: string }>(
      `select quote_ident(tablename) as name from pg_tables where schemaname = $1 and tablename <> '__drizzle_migrations'`,
      [schemaName],
    );
    // A connection a test left open must not make the clean-up wait for ever. Replica mode
    // fires neither the append-only trigger of system_events nor the foreign keys' triggers.
    // DELETE, not TRUNCATE: a test's few rows go in a millisecond, where TRUNCATE writes new
    // files for every table and index (about 100 ms).
    await client.query(`set lock_timeout = '5s'`);
    await client.query(`set session_replication_role = replica`);
    await client.query(
      `begin; ${tables.rows.map((t) => `delete from "${schemaName}".${t.name};`).join(' ')}
       select setval(s.seqrelid, s.seqstart, false)
         from pg_sequence s join pg_class c on c.oid = s.seqrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = '${schemaName}';
       commit`,
    );
    free.push(schemaName);
    return true;
  } catch {
    return false;
  }
}

/** A digest of what a schema holds, with its own name taken out so that two schemas compare. */
async function schemaShape(client: Client, schemaName: string): Promise<string> {
  const { rows } = await client.query<{ shape: string }>(
    `with ns as (select oid from pg_namespace where nspname = $1)
     select md5(string_agg(replace(item, $1 || '.', ''), E'\\n' order by item)) as shape from (
       select 'rel ' || relname || ' ' || relkind::text as item from pg_class where relnamespace = (select oid from ns)
       union all
       select 'col ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' '
              || a.attnotnull || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
         from pg_attribute a
         join pg_class c on c.oid = a.attrelid
         left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where c.relnamespace = (select oid from ns) and a.attnum > 0 and not a.attisdropped
       union all
       select 'con ' || conname || ' ' || pg_get_constraintdef(oid) from pg_constraint where connamespace = (select oid from ns)
       union all
       select 'trg ' || t.tgname || ' ' || t.tgenabled::text || ' ' || c.relname
         from pg_trigger t join pg_class c on c.oid = t.tgrelid
        where c.relnamespace = (select oid from ns)
       union all
       select 'fn ' || proname || ' ' || md5(prosrc) from pg_proc where pronamespace = (select oid from ns)
       union all
       select 'journal ' || (select count(*) from "${schemaName}".__drizzle_migrations)
     ) items`,
    [schemaName],
  );
  return rows[0]!.shape;
}
