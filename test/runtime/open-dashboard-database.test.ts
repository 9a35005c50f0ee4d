import { createServer, type Server } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { AppConfig } from '../../src/config/app-config.ts';
import { openDashboardDatabase, type DashboardDatabase } from '../../src/runtime/open-dashboard-database.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { testDatabaseUrl } from '../support/test-database.ts';

const runtime = (url: string) => ({
  config: AppConfig.parse({ database: { url }, app: { connectTimeoutMs: 1_000 } }),
  logger: silentLogger,
});

describe('the database /metrics reads in a dashboard process', () => {
  const opened: DashboardDatabase[] = [];
  const servers: Server[] = [];
  afterEach(async () => {
    for (const m of opened.splice(0)) await m.close();
    for (const s of servers.splice(0)) await new Promise<void>((resolve) => s.close(() => resolve()));
  });

  it('is none without a DATABASE_URL or a database of the process (a dashboard alone on PGlite)', () => {
    expect(openDashboardDatabase(runtime('')).db).toBeUndefined();
  });

  it('opens DATABASE_URL at its first use, once', async () => {
    const m = openDashboardDatabase(runtime(testDatabaseUrl));
    opened.push(m);
    const db = await m.db!();
    expect((await db.execute<{ one: number }>(sql`SELECT 1 AS one`)).rows).toEqual([{ one: 1 }]);
    expect(await m.db!()).toBe(db);
  });

  it('tries again at the next use after a failed open, so a database that comes back is picked up', async () => {
    // Hangs up on every connection: the open fails fast, and each attempt is counted.
    let attempts = 0;
    const refusing = createServer((socket) => {
      attempts += 1;
      socket.destroy();
    });
    servers.push(refusing);
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const { port } = refusing.address() as { port: number };
    const m = openDashboardDatabase(runtime(`postgres://postgres@127.0.0.1:${port}/none`));
    opened.push(m);
    await expect(m.db!()).rejects.toThrow(/cannot open PostgreSQL/);
    await expect(m.db!()).rejects.toThrow(/cannot open PostgreSQL/);
    expect(attempts).toBe(2);
  });
});
