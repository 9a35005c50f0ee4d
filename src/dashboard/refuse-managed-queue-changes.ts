import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../shared/logger.ts';

/**
 * Every route of @bull-board/api 9.10.1 (`dist/routes.js`) that changes a whole queue, as the
 * board declares it (relative to where the board is mounted). Same patterns, same router: a
 * path the board would route to one of these handlers (any case, trailing slash, percent
 * encoding) is matched here first. The job routes (`/api/queues/:queueName/:jobId/…`) are
 * left to the board's own `readOnlyMode`.
 */
const QUEUE_ROUTES: readonly { method: 'put' | 'post' | 'patch'; path: string; action: string }[] = [
  { method: 'put', path: '/api/queues/:queueName/pause', action: 'pause' },
  { method: 'put', path: '/api/queues/:queueName/resume', action: 'resume' },
  { method: 'put', path: '/api/queues/:queueName/empty', action: 'empty' },
  { method: 'put', path: '/api/queues/:queueName/obliterate', action: 'obliterate' },
  { method: 'put', path: '/api/queues/:queueName/clean/:queueStatus', action: 'clean' },
  { method: 'put', path: '/api/queues/:queueName/retry/:queueStatus', action: 'retry every job of' },
  { method: 'put', path: '/api/queues/:queueName/promote', action: 'promote every job of' },
  { method: 'post', path: '/api/queues/:queueName/add', action: 'add a job to' },
  { method: 'put', path: '/api/queues/:queueName/concurrency', action: 'set the concurrency of' },
  { method: 'put', path: '/api/queues/:queueName/rate-limit', action: 'set the rate limit of' },
  { method: 'put', path: '/api/queues/:queueName/rate-limit/release', action: 'release the rate limit of' },
  {
    method: 'put',
    path: '/api/queues/:queueName/job-schedulers/:schedulerId/remove',
    action: 'remove a job scheduler of',
  },
  { method: 'patch', path: '/api/queues/:queueName/job-schedulers/:schedulerId', action: 'change a job scheduler of' },
  { method: 'put', path: '/api/queues/:queueName/job-schedulers/:schedulerId/run', action: 'run a job scheduler of' },
];

/** The board's "pause all" and "resume all". */
const GLOBAL_ROUTES: readonly { path: string; action: string }[] = [
  { path: '/api/queues/pause', action: 'pause every queue' },
  { path: '/api/queues/resume', action: 'resume every queue' },
];

const KILL_SWITCH = 'the kill switch owns pause/resume; use `triplegain resume` (or pause, halt, reset)';
/** How every refusal's `error` begins: what tells it from the board's own 403s and 405s. */
export const REFUSAL_PREFIX = 'Bull Board may not';

/**
 * Express router, mounted in front of Bull Board at the same path, that refuses with 403
 * `{ error }` every board route changing a whole queue the control plane manages (`managed`):
 * pause, resume, empty, clean, obliterate, retry or promote all, add, concurrency and rate
 * limits, job schedulers. "Pause all" and "resume all" are refused outright, whatever is on the
 * board. Everything else passes through.
 *
 * Why: the kill switch is a set of BullMQ pauses (`queuesPausedIn`); a board resume while
 * HALTED would quietly undo it, and a board pause would leave a queue paused that the
 * coordinator state says is running, stalling exits. Emptying or obliterating `execution`
 * loses orders under way. Changes go through the control plane, which records them.
 *
 * Each refusal is logged as a warning (method, path, queue, action).
 */
export function refuseManagedQueueChanges(options: { managed: readonly string[]; logger: Logger }): Router {
  const managed = new Set(options.managed);
  const router = express.Router();

  const refuse = (req: Request, res: Response, queue: string | undefined, action: string) => {
    options.logger.warn(
      { method: req.method, path: req.originalUrl, queue, action },
      'dashboard refused a change to a queue the control plane manages',
    );
    const what = queue === undefined ? action : `${action} "${queue}"`;
    res.status(403).json({ error: `${REFUSAL_PREFIX} ${what}: ${KILL_SWITCH}` });
  };

  for (const route of GLOBAL_ROUTES) {
    router.put(route.path, (req, res) => refuse(req, res, undefined, route.action));
  }
  for (const route of QUEUE_ROUTES) {
    router[route.method](route.path, (req: Request<{ queueName: string }>, res, next) => {
      const queue = req.params.queueName;
      if (!managed.has(queue)) {
        next();
        return;
      }
      refuse(req, res, queue, route.action);
    });
  }
  return router;
}
