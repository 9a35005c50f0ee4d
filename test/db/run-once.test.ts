import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendSystemEvent } from '../../src/db/append-system-event.ts';
import { runOnce } from '../../src/db/run-once.ts';
import { processedMessages, systemEvents } from '../../src/db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe.each(['postgres', 'pglite'] as const)('runOnce on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(driver);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const eventsOfType = (type: string) => t.db.select().from(systemEvents).where(eq(systemEvents.type, type));
  const record = (type: string) => (tx: Parameters<Parameters<typeof runOnce>[3]>[0]) =>
    appendSystemEvent(tx, { type, severity: 'info', source: 'test', message: 'side effect' });

  it('runs fn once for the same consumer and message id', async () => {
    const messageId = randomUUID();
    const first = await runOnce(t.db, 'event-log', messageId, record('test.once'));
    const second = await runOnce(t.db, 'event-log', messageId, record('test.once'));
    expect(first.ran).toBe(true);
    expect(first.result?.type).toBe('test.once');
    expect(second).toEqual({ ran: false });
    expect(await eventsOfType('test.once')).toHaveLength(1);
  });

  it('runs fn again for another consumer of the same message', async () => {
    const messageId = randomUUID();
    expect((await runOnce(t.db, 'consumer-a', messageId, record('test.per_consumer'))).ran).toBe(true);
    expect((await runOnce(t.db, 'consumer-b', messageId, record('test.per_consumer'))).ran).toBe(true);
    expect(await eventsOfType('test.per_consumer')).toHaveLength(2);
  });

  it('rolls back the marker and the writes when fn throws, so a redelivery runs it', async () => {
    const messageId = randomUUID();
    const failing = runOnce(t.db, 'event-log', messageId, async (tx) => {
      await record('test.rollback')(tx);
      throw new Error('handler failed');
    });
    await expect(failing).rejects.toThrow('handler failed');
    expect(await eventsOfType('test.rollback')).toHaveLength(0);
    expect(await t.db.select().from(processedMessages).where(eq(processedMessages.messageId, messageId))).toHaveLength(
      0,
    );

    const retried = await runOnce(t.db, 'event-log', messageId, record('test.rollback'));
    expect(retried.ran).toBe(true);
    expect(await eventsOfType('test.rollback')).toHaveLength(1);
  });

  it('commits fn once when the same message is delivered twice at the same time', async () => {
    const messageId = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        runOnce(t.db, 'event-log', messageId, async (tx) => {
          const row = await record('test.concurrent')(tx);
          await new Promise((r) => setTimeout(r, 50));
          return row.id;
        }),
      ),
    );
    expect(results.filter((r) => r.ran)).toHaveLength(1);
    expect(await eventsOfType('test.concurrent')).toHaveLength(1);
  });
});
