import { z } from 'zod';

/**
 * What the chaos harness does to the cluster, one at a time:
 * - `worker_kill`: SIGKILL one worker and start a replacement;
 * - `redis_kill`: SIGKILL redis-server and restart it from its append-only file;
 * - `backend_terminate`: `pg_terminate_backend` the cluster's busy database connections;
 * - `flush_while_halted`: halt, try a Bull Board resume, `FLUSHALL`, restart the scheduler, then
 *   check that the halt still holds;
 * - `halt_resume`: halt under load, try a Bull Board resume, check that nothing is submitted,
 *   then reset and resume.
 */
export const FaultKind = z.enum([
  'worker_kill',
  'redis_kill',
  'backend_terminate',
  'flush_while_halted',
  'halt_resume',
]);
export type FaultKind = z.infer<typeof FaultKind>;

export const faultKinds: readonly FaultKind[] = FaultKind.options;
