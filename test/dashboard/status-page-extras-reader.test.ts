import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AppConfig } from '../../src/config/app-config.ts';
import { createStatusPageExtrasReader } from '../../src/dashboard/status-page/status-page-extras-reader.ts';
import { PGLITE_NOT_SHARED } from '../../src/status/open-status-sources.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('createStatusPageExtrasReader', () => {
  let d: TestDatabase | undefined;
  afterEach(async () => {
    await d?.cleanup();
    d = undefined;
  });

  it('never opens the embedded PGlite of another process: without database.url it says why, and has nothing to close', async () => {
    const reader = createStatusPageExtrasReader({ config: AppConfig.parse({}) });
    await expect(reader.read()).rejects.toThrow(PGLITE_NOT_SHARED);
    await reader.close();
  });

  it("reads the process's own database (--role all) and leaves it open on close", async () => {
    d = await createTestDatabase('postgres');
    const reader = createStatusPageExtrasReader({
      config: AppConfig.parse({}),
      database: d.database,
      now: () => Date.UTC(2024, 0, 1, 12),
    });
    expect(await reader.read()).toEqual({
      equity: [],
      signals: [],
      denials: { sinceMs: Date.UTC(2024, 0, 1), byRule: [] },
      spend: { dayStartMs: Date.UTC(2024, 0, 1), spentUsd: '0', budgetUsd: '5', calls: 0 },
    });
    await reader.close();
    expect(await reader.read()).toMatchObject({ equity: [] });
  });

  it('gives up on a PostgreSQL that accepts connections and never answers, within app.connectTimeoutMs', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const reader = createStatusPageExtrasReader({
      config: AppConfig.parse({
        database: { url: `postgres://someone:sekrit@127.0.0.1:${port}/x` },
        app: { connectTimeoutMs: 300 },
      }),
    });
    try {
      const started = Date.now();
      await expect(reader.read()).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await reader.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
