import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startModelServer, type ModelServer } from './model-server.ts';
import { createTestDatabase, type TestDatabase, type TestDriver } from './test-database.ts';

/**
 * For a `describe` block of model-layer tests: a database of its own for the block (a
 * PostgreSQL schema, or PGlite), and a fresh local model server (OpenAI and Anthropic wire
 * formats) for each test.
 */
export function useDatabaseAndModelServer(driver: TestDriver = 'postgres'): {
  readonly db: TestDatabase;
  readonly server: ModelServer;
} {
  let db: TestDatabase | undefined;
  let server: ModelServer | undefined;
  beforeAll(async () => {
    db = await createTestDatabase(driver);
  });
  afterAll(async () => {
    await db?.cleanup();
  });
  beforeEach(async () => {
    server = await startModelServer();
  });
  afterEach(async () => {
    await server?.close();
  });
  return {
    get db() {
      return db!;
    },
    get server() {
      return server!;
    },
  };
}
