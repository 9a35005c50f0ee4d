import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startModelServer, type ModelServer } from './model-server.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

/**
 * For a `describe` block of model-layer tests: a PostgreSQL schema of its own for the block,
 * and a fresh local model server (OpenAI and Anthropic wire formats) for each test.
 */
export function useDatabaseAndModelServer(): { readonly db: TestDatabase; readonly server: ModelServer } {
  let db: TestDatabase | undefined;
  let server: ModelServer | undefined;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
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
