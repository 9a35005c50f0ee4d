import type { Redis } from 'ioredis';
import type { Bus } from '../bus/bus.ts';
import type { Keys } from '../keys.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError } from '../shared/triplegain-error.ts';

/**
 * Counts a scheduled run of `task` for `symbol` that did not happen because the previous one
 * was still going (`<prefix>:metrics:schedule_skips`, field `<task>|<symbol>`) and raises it
 * on `system_events`, which the event recorder writes to Postgres.
 */
export async function recordScheduleSkip(
  deps: { redis: Redis; keys: Keys; logger: Logger; bus?: Bus },
  args: { task: string; symbol: string; tickId: string },
): Promise<number> {
  const total = await deps.redis.hincrby(deps.keys.scheduleSkips, `${args.task}|${args.symbol}`, 1);
  deps.logger.warn(
    { task: args.task, symbol: args.symbol, tickId: args.tickId, total },
    'scheduled run skipped: previous run still going',
  );
  await deps.bus
    ?.publish(
      'system.alert_raised',
      {
        severity: 'warning',
        code: 'schedule.run_skipped',
        message: `${args.task} for ${args.symbol} skipped a run: the previous one is still going`,
        details: { task: args.task, tickId: args.tickId, totalSkips: total },
      },
      { symbol: args.symbol, source: `${args.task}-scheduler` },
    )
    .catch((err: unknown) => deps.logger.warn({ err: describeError(err) }, 'could not publish skip alert'));
  return total;
}
