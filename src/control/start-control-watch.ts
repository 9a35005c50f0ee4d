import { Queue, type ConnectionOptions } from 'bullmq';
import { appendSystemEvent } from '../db/append-system-event.ts';
import type { Redis } from 'ioredis';
import type { Db } from '../db/open-database.ts';
import type { Keys } from '../keys.ts';
import type { QueueName } from '../queues/queue-names.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError } from '../shared/triplegain-error.ts';
import type { ControlPlane } from './control-plane.ts';
import { managedQueues, queuesPausedIn } from './managed-queues.ts';

/** How often (wall time) every worker looks at the kill switch's state and queues. */
export const CONTROL_WATCH_INTERVAL_MS = 500;

export interface ControlWatchDeps {
  control: Pick<ControlPlane, 'current' | 'recover'>;
  redis: Redis;
  db: Db;
  keys: Keys;
  /** BullMQ connection for the managed queues. */
  connection: ConnectionOptions;
  logger: Logger;
  /** Default `CONTROL_WATCH_INTERVAL_MS`. */
  intervalMs?: number;
}

export interface ControlWatch {
  /** One look now (what the timer does); resolves when it is done. */
  check(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Keeps the kill switch in force whatever happens to Redis or the queues, from every worker:
 * - the control state gone (Redis flushed, or restarted without its data): restored from
 *   `system_events` (`ControlPlane.recover`) and recorded as `control.state_restored`; until
 *   then the submission fence and the risk engine admit nothing;
 * - while PAUSED or HALTED, a managed queue found running (resumed behind the control plane's
 *   back: Bull Board, `redis-cli`, a script) is paused again and the attempt recorded as
 *   `control.queue_repaused`.
 * Runs every `intervalMs` of wall time, so either is healed within a second. A look that
 * fails (Redis down) is tried again at the next beat and logged once per outage.
 */
export function startControlWatch(deps: ControlWatchDeps): ControlWatch {
  const queues = new Map<QueueName, Queue>(
    managedQueues.map((name) => [
      name,
      new Queue(name, { connection: deps.connection, prefix: deps.keys.queuePrefix }),
    ]),
  );
  for (const queue of queues.values()) queue.on('error', () => undefined);
  let failingSince: number | null = null;
  let failures = 0;

  const check = async (): Promise<void> => {
    try {
      await checkOnce(deps, queues);
      if (failingSince !== null) {
        deps.logger.warn({ failures, outageMs: Date.now() - failingSince }, 'control watch: Redis answers again');
        failingSince = null;
        failures = 0;
      }
    } catch (err) {
      failures += 1;
      if (failingSince === null) {
        failingSince = Date.now();
        deps.logger.error(
          { err: describeError(err) },
          'control watch: cannot read the trading state (no order is admitted meanwhile)',
        );
      }
    }
  };

  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    // One look at a time: a slow one is not overlapped by the next beat.
    running = running.then(check);
  }, deps.intervalMs ?? CONTROL_WATCH_INTERVAL_MS);
  timer.unref();

  return {
    check: () => (running = running.then(check)),
    async stop() {
      clearInterval(timer);
      await running;
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}

async function checkOnce(deps: ControlWatchDeps, queues: Map<QueueName, Queue>): Promise<void> {
  const restored = await restoreIfMissing(deps);
  const { state, version } = await deps.control.current();
  for (const name of queuesPausedIn(state)) {
    const queue = queues.get(name)!;
    if (await queue.isPaused()) continue;
    await queue.pause();
    deps.logger.warn(
      { queue: name, state },
      'control watch: a managed queue was resumed behind the control plane; paused again',
    );
    await appendSystemEvent(deps.db, {
      type: 'control.queue_repaused',
      severity: 'warning',
      source: 'control-watch',
      message: `queue ${name} was running while the cluster is ${state}: paused again`,
      details: { queue: name, state, version, afterRestore: restored },
    });
  }
}

/** Restores a missing control state; true when it did. */
async function restoreIfMissing(deps: ControlWatchDeps): Promise<boolean> {
  if ((await deps.redis.exists(deps.keys.controlState)) === 1) return false;
  const recovered = await deps.control.recover(deps.db);
  if (recovered.source === 'redis') return false;
  deps.logger.warn(
    { state: recovered.state, from: recovered.source },
    'control watch: the trading state was missing from Redis; restored',
  );
  await appendSystemEvent(deps.db, {
    type: 'control.state_restored',
    severity: 'warning',
    source: 'control-watch',
    message: `the trading state was missing from Redis: restored ${recovered.state} from ${recovered.source === 'database' ? 'system_events' : 'the initial state (none recorded)'}`,
    details: { state: recovered.state, from: recovered.source },
  });
  return true;
}
