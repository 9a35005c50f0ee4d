import { z } from 'zod';
import { GridValue } from './sweep-spec.ts';

/** The BullMQ queue sweep runs wait in (under the cluster's queue prefix). */
export const SWEEP_QUEUE = 'sweep';

/** One run of a sweep: a whole replay of one grid point. */
export const SweepJobData = z
  .object({
    sweepId: z.string().regex(/^[a-z0-9-]{1,40}$/),
    /** The point's place in the grid (`expandGrid`'s order). */
    index: z.number().int().nonnegative(),
    /** The config file of the run, as YAML text: the base with the point's values set. */
    configYaml: z.string(),
    from: z.string(),
    days: z.number().int().min(1).optional(),
    to: z.string().optional(),
    /** The point: config path → value. */
    values: z.record(z.string(), GridValue),
  })
  .strict();
export type SweepJobData = z.infer<typeof SweepJobData>;

/** The job id of a sweep's run: the sweep and the point, so adding a sweep twice adds each run once. */
export function sweepJobId(sweepId: string, index: number): string {
  return `${sweepId}.${index}`;
}

/**
 * The Redis key prefix of one attempt of a run (a retried run starts clean under its own),
 * under the cluster's own `prefix`, so that its keys show with the cluster's.
 */
export function sweepRunPrefix(prefix: string, sweepId: string, index: number, attempt: number): string {
  return `${prefix}-sweep-${sweepId}-${index}-a${attempt}`;
}

/**
 * The key a `sweep` command keeps alive (a TTL it renews) while it waits for its runs: a
 * worker given a run of a sweep whose command is gone (killed, interrupted twice) skips it
 * instead of replaying for nobody.
 */
export function sweepLiveKey(prefix: string, sweepId: string): string {
  return `${prefix}:sweep:${sweepId}:live`;
}
