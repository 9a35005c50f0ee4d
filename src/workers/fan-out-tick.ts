import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Bus } from '../bus/bus.ts';
import type { Keys } from '../keys.ts';
import type { AnyQueueDefinition, JobContext } from '../queues/define-queue.ts';
import { enqueueScheduledRun } from '../queues/enqueue-exclusive-run.ts';
import { tickIdOf } from '../queues/tick-id.ts';
import type { TickData, TickResult } from '../queues/task-run-data.ts';
import type { Logger } from '../shared/logger.ts';
import { recordScheduleSkip } from './record-schedule-skip.ts';

export interface FanOutTickDeps {
  /** The task's own queue: runs go where the ticks come from. */
  queue: Queue;
  definition: AnyQueueDefinition;
  redis: Redis;
  keys: Keys;
  logger: Logger;
  bus?: Bus;
}

/**
 * The `tick` handler of a scheduled task: one `run` per symbol, all added at once so that
 * symbols run in parallel on any worker, each exclusive per (task, symbol) across the
 * cluster. A symbol whose previous run is still waiting or going is skipped and counted.
 */
export function fanOutTick(deps: FanOutTickDeps, task: string, symbols: () => readonly string[]) {
  return async (_data: TickData, ctx: JobContext): Promise<TickResult> => {
    const tickId = tickIdOf(ctx.job);
    const results = await Promise.all(
      symbols().map(async (symbol) => {
        const result = await enqueueScheduledRun(deps.queue, deps.definition, task, symbol, tickId);
        return { symbol, skipped: result.skipped };
      }),
    );
    const skipped = results.filter((r) => r.skipped).map((r) => r.symbol);
    for (const symbol of skipped) await recordScheduleSkip(deps, { task, symbol, tickId });
    return { enqueued: results.length - skipped.length, skipped };
  };
}
