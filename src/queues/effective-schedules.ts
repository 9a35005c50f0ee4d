import type { AppConfig } from '../config/app-config.ts';
import type { SchedulesConfig } from '../config/sections/schedules-config.ts';

/** The shortest interval a job scheduler gets, whatever the replay speed. */
export const MIN_EVERY_MS = 1_000;

/**
 * The timetable as the job schedulers run it. Intervals in `schedules` are market time: live
 * they are wall time; in replay they shrink by `marketData.replay.speed` (down to 1 s), so
 * that a decision every market hour is a decision every wall second at speed 3600.
 */
export function effectiveSchedules(config: Pick<AppConfig, 'schedules' | 'marketData'>): SchedulesConfig {
  if (config.marketData.source !== 'replay') return config.schedules;
  const speed = config.marketData.replay.speed;
  const scaled = Object.entries(config.schedules).map(([task, s]) => [task, { ...s, everyMs: Math.max(MIN_EVERY_MS, Math.round(s.everyMs / speed)) }]);
  return Object.fromEntries(scaled) as SchedulesConfig;
}
