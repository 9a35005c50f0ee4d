import { AppSectionConfig } from '../config/sections/app-section-config.ts';

/**
 * Wall time from SIGTERM by which a triplegain process has stopped, or given up on a clean
 * stop and exited with code 1: `app.shutdownDeadlineMs` + `app.shutdownGraceMs` (the defaults
 * when no config is given). What supervises a process (chaos, rehearse, compose's
 * `stop_grace_period`) waits longer than this before it kills it.
 */
export function shutdownGiveUpMs(
  app: Pick<AppSectionConfig, 'shutdownDeadlineMs' | 'shutdownGraceMs'> = AppSectionConfig.parse({}),
): number {
  return app.shutdownDeadlineMs + app.shutdownGraceMs;
}
