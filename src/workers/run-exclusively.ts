import { DelayedError } from 'bullmq';
import type { Redis } from 'ioredis';
import type { SchedulesConfig } from '../config/sections/schedules-config.ts';
import type { Bus } from '../bus/bus.ts';
import type { Keys } from '../keys.ts';
import type { JobContext } from '../queues/define-queue.ts';
import { withLease } from '../queues/run-lease.ts';
import { symbolSlug } from '../market/symbol-slug.ts';
import type { TaskRunData } from '../queues/task-run-data.ts';
import type { Logger } from '../shared/logger.ts';
import { recordScheduleSkip } from './record-schedule-skip.ts';

/** How long a flow's run waits before looking at a busy (task, symbol) again. */
export const FLOW_RUN_RETRY_MS = 250;

export interface RunExclusivelyDeps {
  config: { schedules: Pick<SchedulesConfig, 'leaseTtlMs'> };
  redis: Redis;
  keys: Keys;
  logger: Logger;
  bus?: Bus;
}

/**
 * Runs one (task, symbol) run holding that pair's lease, so that it never overlaps another
 * run of the same task for the same symbol anywhere in the cluster, whether the other came
 * from the timetable or from a decision flow. The lease lives `schedules.leaseTtlMs` (wall
 * time) and is renewed while the run lives: a SIGKILLed worker holds its
 * pairs for at most that long. When the lease is taken:
 * - a scheduled run is skipped and counted, never queued behind it;
 * - a flow's run (a decision needs it fresh) is put back for `FLOW_RUN_RETRY_MS`, no attempt spent.
 */
export async function runExclusively<T>(
  deps: RunExclusivelyDeps,
  data: TaskRunData,
  ctx: JobContext,
  work: () => Promise<T>,
): Promise<T | { status: 'skipped'; reason: 'busy' }> {
  const key = deps.keys.runLease(data.task, symbolSlug(data.symbol));
  const holder = ctx.job.id ?? `${data.task}.${data.tickId}`;
  const onLost = () =>
    deps.logger.warn(
      { task: data.task, symbol: data.symbol, holder },
      'run lease lost while running (Redis lost it or it lapsed): another run may overlap this one',
    );
  const outcome = await withLease(deps.redis, { key, holder, ttlMs: deps.config.schedules.leaseTtlMs, onLost }, work);
  if (outcome.acquired) return outcome.value;
  if (data.mode === 'flow') {
    await ctx.job.moveToDelayed(Date.now() + FLOW_RUN_RETRY_MS, ctx.token);
    throw new DelayedError();
  }
  await recordScheduleSkip(deps, { task: data.task, symbol: data.symbol, tickId: data.tickId });
  return { status: 'skipped', reason: 'busy' };
}
