import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendSystemEvent } from '../../src/db/append-system-event.ts';
import { systemEvents } from '../../src/db/schema/index.ts';
import { TriplegainError } from '../../src/shared/triplegain-error.ts';
import { expectPgError } from '../support/pg-error-code.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/** SQLSTATE the append-only trigger raises. */
const RESTRICT_VIOLATION = '23001';

describe.each(['postgres', 'pglite'] as const)('system_events on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(driver);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('appends an event with defaults for time, correlation and details', async () => {
    const row = await appendSystemEvent(t.db, {
      type: 'bus.subscription_tripped',
      severity: 'error',
      source: 'bus',
      message: 'subscription tripped after 5 consecutive failures',
    });
    expect(row).toMatchObject({
      type: 'bus.subscription_tripped',
      severity: 'error',
      source: 'bus',
      correlationId: null,
      details: {},
    });
    expect(row.id).toBeGreaterThan(0);
    expect(Math.abs(row.occurredAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('stores the given time, correlation id and details', async () => {
    const occurredAt = new Date('2025-03-01T12:00:00.123Z');
    const row = await appendSystemEvent(t.db, {
      type: 'process.started',
      severity: 'info',
      source: 'triplegain',
      correlationId: 'corr-1',
      message: 'started',
      details: { pid: 123, nested: { ok: true } },
      occurredAt,
    });
    const [read] = await t.db.select().from(systemEvents).where(eq(systemEvents.id, row.id));
    expect(read).toMatchObject({ correlationId: 'corr-1', details: { pid: 123, nested: { ok: true } } });
    expect(read!.occurredAt.toISOString()).toBe('2025-03-01T12:00:00.123Z');
  });

  it('stores a NUL from outside as U+FFFD instead of failing the insert (and the report of that failure after it)', async () => {
    const row = await appendSystemEvent(t.db, {
      type: 'control.state_changed',
      severity: 'warning',
      source: 'control',
      message: 'paused: drill\u0000',
      details: { reason: 'drill\u0000', ['key\u0000']: ['a\u0000'] },
    });
    const [read] = await t.db.select().from(systemEvents).where(eq(systemEvents.id, row.id));
    expect(read).toMatchObject({
      message: 'paused: drill\uFFFD',
      details: { reason: 'drill\uFFFD', ['key\uFFFD']: ['a\uFFFD'] },
    });
  });

  it('refuses an invalid event, naming the field', async () => {
    const attempt = appendSystemEvent(t.db, {
      type: 'Not A Code',
      severity: 'loud' as 'info',
      source: 'x',
      message: 'm',
    });
    await expect(attempt).rejects.toBeInstanceOf(TriplegainError);
    await expect(attempt).rejects.toMatchObject({
      code: 'MESSAGE_INVALID',
      message: expect.stringMatching(/type: .*severity: /),
    });
  });

  it('refuses UPDATE of a stored event', async () => {
    const row = await appendSystemEvent(t.db, {
      type: 'test.update',
      severity: 'info',
      source: 'test',
      message: 'original',
    });
    await expectPgError(
      () => t.db.update(systemEvents).set({ message: 'rewritten' }).where(eq(systemEvents.id, row.id)),
      RESTRICT_VIOLATION,
    );
    const [read] = await t.db.select().from(systemEvents).where(eq(systemEvents.id, row.id));
    expect(read!.message).toBe('original');
  });

  it('refuses DELETE and TRUNCATE', async () => {
    const row = await appendSystemEvent(t.db, {
      type: 'test.delete',
      severity: 'warning',
      source: 'test',
      message: 'keep me',
    });
    await expectPgError(() => t.db.delete(systemEvents).where(eq(systemEvents.id, row.id)), RESTRICT_VIOLATION);
    await expectPgError(() => t.db.execute(sql`truncate table system_events`), RESTRICT_VIOLATION);
    const rows = await t.db.select().from(systemEvents).where(eq(systemEvents.id, row.id));
    expect(rows).toHaveLength(1);
  });

  it('refuses a severity outside the list even through raw SQL', async () => {
    await expectPgError(
      () =>
        t.db.execute(
          sql`insert into system_events (type, severity, source, message) values ('test.raw', 'loud', 'test', 'm')`,
        ),
      '23514',
    );
  });
});
