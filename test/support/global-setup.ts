import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ensureFreshBuild } from './ensure-fresh-build.ts';
import { resolveTestDatabase, resolveTestRedis, type TestService } from './test-services.ts';

/**
 * Runs once before the test files: builds `dist/` when a source is newer (`ensureFreshBuild`);
 * finds (or starts) the PostgreSQL and Redis the tests use and hands their URLs to every test
 * process, and to the processes tests start, through `TEST_DATABASE_URL` and `TEST_REDIS_URL`;
 * names the run (`TRIPLEGAIN_TEST_RUN`, see `recycled-schemas.ts`). A private server started
 * here is stopped after the run, and the run's schemas are dropped.
 */
export default async function setup(): Promise<() => Promise<void>> {
  ensureFreshBuild();
  const started: TestService[] = [];
  try {
    const database = await resolveTestDatabase({ env: process.env });
    started.push(database);
    const redis = await resolveTestRedis({ env: process.env });
    started.push(redis);
    process.env.TEST_DATABASE_URL = database.url;
    process.env.TEST_REDIS_URL = redis.url;
    // Names this run's test schemas, which test processes hand on to each other and this drops at the end.
    process.env.TRIPLEGAIN_TEST_RUN = randomBytes(3).toString('hex');
    console.log(`tests use PostgreSQL ${whereIs(database)} and Redis ${whereIs(redis)}`);
  } catch (err) {
    await Promise.all(started.map((s) => s.stop()));
    throw err;
  }
  return async () => {
    try {
      await dropRunSchemas(process.env.TEST_DATABASE_URL!, process.env.TRIPLEGAIN_TEST_RUN!);
    } finally {
      await Promise.all(started.map((s) => s.stop()));
    }
  };
}

/** Drops the schemas of this run still there: those kept for reuse, and any a test left. */
async function dropRunSchemas(url: string, run: string): Promise<void> {
  const client = new Client({ connectionString: url, application_name: 'triplegain-test' });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `select nspname as name from pg_namespace where nspname like $1`,
      [`tgtest\\_${run}\\_%`],
    );
    for (const { name } of rows) await client.query(`drop schema if exists "${name}" cascade`);
  } finally {
    await client.end();
  }
}

function whereIs(service: TestService): string {
  const where = new URL(service.url).host;
  return service.origin === 'embedded' ? `${where} (started for this run)` : where;
}
