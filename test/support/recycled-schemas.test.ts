import { sql } from 'drizzle-orm';
import { Client } from 'pg';
import { describe, expect, it } from 'vitest';
import { systemEvents } from '../../src/db/schema/index.ts';
import { testRunTag } from './recycled-schemas.ts';
import { createTestDatabase, testDatabaseUrl } from './test-database.ts';

async function schemaExists(name: string): Promise<boolean> {
  const client = new Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    return (await client.query('select 1 from pg_namespace where nspname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

const event = { type: 'test.kept', severity: 'info', source: 'test', message: 'm' } as const;

describe('test schemas handed from one test to the next', () => {
  it('are named after the run, which the global set-up names', () => {
    expect(testRunTag).toMatch(/^[0-9a-f]{6}$/);
  });

  it('come back empty, the append-only log included, with identities starting again', async () => {
    const first = await createTestDatabase('postgres');
    await first.db.insert(systemEvents).values([event, event]);
    await first.cleanup();

    const second = await createTestDatabase('postgres');
    try {
      expect(second.schemaName).toBe(first.schemaName);
      expect(await second.db.select().from(systemEvents)).toEqual([]);
      const [row] = await second.db.insert(systemEvents).values(event).returning({ id: systemEvents.id });
      expect(row!.id).toBe(1);
    } finally {
      await second.cleanup();
    }
  });

  it('are dropped, not handed on, once a test has changed their tables', async () => {
    const altered = await createTestDatabase('postgres');
    await altered.db.execute(sql`ALTER TABLE system_events ADD COLUMN extra text`);
    await altered.cleanup();
    expect(await schemaExists(altered.schemaName)).toBe(false);

    const next = await createTestDatabase('postgres');
    try {
      expect(next.schemaName).not.toBe(altered.schemaName);
      const columns = await next.db.execute<{ column_name: string }>(
        sql`select column_name from information_schema.columns where table_schema = current_schema() and table_name = 'system_events'`,
      );
      expect(columns.rows.map((c) => c.column_name)).not.toContain('extra');
    } finally {
      await next.cleanup();
    }
  });
});
