import { Queue } from 'bullmq';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { Bus } from '../../src/bus/bus.ts';
import { CoordinatorStateChanged } from '../../src/bus/messages/coordinator-state-changed.ts';
import { BusConfig } from '../../src/config/sections/bus-config.ts';
import { ControlPlane } from '../../src/control/control-plane.ts';
import { managedQueues } from '../../src/control/managed-queues.ts';
import { startControlWatch, type ControlWatch } from '../../src/control/start-control-watch.ts';
import { enterSubmission } from '../../src/control/submission-fence.ts';
import { lastRecordedPayload } from '../../src/db/last-recorded-payload.ts';
import { systemEvents } from '../../src/db/schema/system-events.ts';
import { createKeys } from '../../src/keys.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { startSystemEventRecorder } from '../../src/workers/system-event-recorder.ts';
import { fastBusConfig } from '../support/test-bus.ts';
import { startOwnRedisServer, type OwnRedisServer } from '../support/own-redis-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { waitFor } from '../support/wait-for.ts';
import { scaled } from '../support/test-timing.ts';

/** The watch's beat in these tests; the product's is 500 ms. */
const WATCH_MS = 200;

describe('the kill switch holds when Redis loses its data or a queue is resumed behind its back', () => {
  let server: OwnRedisServer | undefined;
  let database: TestDatabase | undefined;
  const closers: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await database?.cleanup();
    await server?.cleanup();
    database = undefined;
    server = undefined;
  });

  /** A worker's view: its own Redis (so FLUSHALL touches no other test), the event log, the control plane and its watch. */
  async function cluster(): Promise<{
    redis: Redis;
    control: ControlPlane;
    watch: ControlWatch;
    keys: ReturnType<typeof createKeys>;
    db: TestDatabase['db'];
    queue(name: string): Queue;
  }> {
    server = await startOwnRedisServer({ appendonly: false });
    database = await createTestDatabase('postgres');
    const keys = createKeys('tg');
    const redis = new Redis(server.url, { maxRetriesPerRequest: 3 });
    const connection = new Redis(server.url, { maxRetriesPerRequest: null });
    const bus = new Bus({
      redis,
      keys,
      service: 'worker',
      config: BusConfig.parse(fastBusConfig),
      logger: silentLogger,
    });
    closers.push(
      () => redis.disconnect(),
      () => connection.disconnect(),
      () => bus.close(1_000),
    );
    await startSystemEventRecorder({ bus, db: database.db });
    const control = new ControlPlane({ redis, keys, connection, bus, logger: silentLogger });
    expect(await control.recover(database.db)).toEqual({ state: 'RUNNING', source: 'initial' });
    const watch = startControlWatch({
      control,
      redis,
      db: database.db,
      keys,
      connection,
      logger: silentLogger,
      intervalMs: WATCH_MS,
    });
    closers.push(() => watch.stop());
    const queues: Queue[] = [];
    closers.push(() => Promise.all(queues.map((q) => q.close())).then(() => undefined));
    const queue = (name: string) => {
      const q = new Queue(name, { connection, prefix: keys.queuePrefix });
      queues.push(q);
      return q;
    };
    return { redis, control, watch, keys, db: database.db, queue };
  }

  it(
    'FLUSHALL while HALTED: nothing is admitted meanwhile, and the halt and its paused queues are back within a second',
    async () => {
      const { redis, control, keys, db, queue } = await cluster();
      await control.apply('halt', { requestedBy: 'test', reason: 'drill' });
      await waitFor(
        async () => (await lastRecordedPayload(db, CoordinatorStateChanged))?.payload.to === 'HALTED',
        'the halt recorded in system_events',
      );

      await redis.flushall();
      const flushedAtMs = Date.now();
      // Whether the watch has run yet or not, no submission is admitted: unknown, then HALTED.
      for (const intent of ['entry', 'exit', 'flatten'] as const) {
        const permit = await enterSubmission(
          { redis, keys },
          { submissionId: `after-flush-${intent}`, intent, ttlMs: 1_000 },
        );
        expect(permit.admitted, intent).toBe(false);
      }
      await waitFor(async () => (await redis.hget(keys.controlState, 'state')) === 'HALTED', 'the halt restored');
      for (const name of managedQueues) await waitFor(() => queue(name).isPaused(), `${name} paused again`);
      expect(Date.now() - flushedAtMs).toBeLessThan(scaled(1_000 + 5 * WATCH_MS));
      expect(await control.known()).toMatchObject({ state: 'HALTED', requestedBy: 'test' });
      // The restore is recorded through the bus (the recorder's group recreated on the flushed
      // Redis), a moment after the state is back.
      const restored = await waitFor(
        async () => (await db.select().from(systemEvents).where(eq(systemEvents.type, 'control.state_restored')))[0],
        'the restore recorded in system_events',
      );
      expect(restored).toMatchObject({ severity: 'warning', details: { state: 'HALTED', from: 'database' } });
    },
    scaled(60_000),
  );

  it(
    'a managed queue resumed behind the control plane while HALTED is paused again within a second, and the attempt recorded',
    async () => {
      const { control, db, queue, watch } = await cluster();
      await control.apply('halt', { requestedBy: 'test' });
      await watch.check();
      const execution = queue('execution');
      // What Bull Board's resume, a script or `redis-cli` would do.
      await execution.resume();
      const resumedAtMs = Date.now();
      await waitFor(() => execution.isPaused(), 'the execution queue paused again');
      expect(Date.now() - resumedAtMs).toBeLessThan(scaled(1_000 + 5 * WATCH_MS));
      const events = await waitFor(async () => {
        const rows = await db.select().from(systemEvents).where(eq(systemEvents.type, 'control.queue_repaused'));
        return rows.length > 0 ? rows : undefined;
      }, 'the attempt recorded');
      expect(events).toEqual([
        expect.objectContaining({
          severity: 'warning',
          details: expect.objectContaining({ queue: 'execution', state: 'HALTED' }),
        }),
      ]);
    },
    scaled(60_000),
  );

  it(
    'the risk engine cannot read a missing state as RUNNING',
    async () => {
      const { redis, control, keys, watch } = await cluster();
      await watch.stop();
      await redis.del(keys.controlState);
      await expect(control.known()).rejects.toMatchObject({ code: 'CONTROL_STATE_UNKNOWN' });
      expect(
        await enterSubmission({ redis, keys }, { submissionId: 'no-state', intent: 'exit', ttlMs: 1_000 }),
      ).toEqual({
        admitted: false,
        state: 'UNKNOWN',
      });
    },
    scaled(60_000),
  );
});
