import type { AppConfig } from '../config/app-config.ts';
import type { SchedulesConfig } from '../config/sections/schedules-config.ts';
import { scheduledTasks } from './queue-names.ts';

/** The shortest interval a job scheduler gets, whatever the replay speed. */
export const MIN_EVERY_MS = 1_000;

/**
 * The timetable as the job schedulers run it. Intervals in `schedules` are market time: live
 * they are wall time; in replay they shrink by `marketData.replay.speed` (down to 1 s), so
 * that a decision every market hour is a decision every wall second at speed 3600.
 */
export function effectiveSchedules(config: Pick<AppConfig, 'schedules' | 'marketData'>): SchedulesConfig {
  if (config.marketData.source !== 'replay') return config.schedules;
  const scaled = scheduledTasks.map((task) => {
    const s = config.schedules[task];
    return [task, { ...s, everyMs: Math.max(MIN_EVERY_MS, wallMsOf(config, s.everyMs)) }];
  });
  // leaseTtlMs guards against dead workers: wall time, whatever the replay speed.
  return { ...config.schedules, ...Object.fromEntries(scaled) } as SchedulesConfig;
}

/**
 * The wall time a span of market time takes: the span itself live, the span divided by
 * `marketData.replay.speed` in replay (rounded to a whole ms). For BullMQ delays, which run
 * on wall time.
 */
export function wallMsOf(config: Pick<AppConfig, 'marketData'>, marketMs: number): number {
  return config.marketData.source === 'replay' ? Math.round(marketMs / config.marketData.replay.speed) : marketMs;
}
