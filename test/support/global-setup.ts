import { resolveTestDatabase, resolveTestRedis, type TestService } from './test-services.ts';

/**
 * Runs once before the test files: finds (or starts) the PostgreSQL and Redis the tests use and
 * hands their URLs to every test process, and to the processes tests start, through
 * `TEST_DATABASE_URL` and `TEST_REDIS_URL`. A private server started here is stopped after the run.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const started: TestService[] = [];
  try {
    const database = await resolveTestDatabase({ env: process.env });
    started.push(database);
    const redis = await resolveTestRedis({ env: process.env });
    started.push(redis);
    process.env.TEST_DATABASE_URL = database.url;
    process.env.TEST_REDIS_URL = redis.url;
    console.log(`tests use PostgreSQL ${whereIs(database)} and Redis ${whereIs(redis)}`);
  } catch (err) {
    await Promise.all(started.map((s) => s.stop()));
    throw err;
  }
  return async () => {
    await Promise.all(started.map((s) => s.stop()));
  };
}

function whereIs(service: TestService): string {
  const where = new URL(service.url).host;
  return service.origin === 'embedded' ? `${where} (started for this run)` : where;
}
