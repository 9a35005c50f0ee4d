import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../shared/logger.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';
import type { StatusDocument } from '../status/status-document.ts';
import type { ControlPlane } from './control-plane.ts';
import { ControlCommand } from './coordinator-state.ts';

/** Body of `POST /control/<command>`. */
export const CommandBody = z
  .object({
    reason: z.string().max(500).default(''),
    cancelOrders: z.boolean().default(false),
    flatten: z.boolean().default(false),
  })
  .strict();

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The HTTP control API: `POST /control/pause|resume|halt|reset` (JSON body `{ reason?,
 * cancelOrders?, flatten? }`) and `GET /control/status` (the status document, `StatusDocument`;
 * 200 also when a part is unavailable: the document says which), every call with
 * `Authorization: Bearer <control.token>`. Without a configured token every call is refused
 * (403), so the API is off until an operator sets `CONTROL_API_TOKEN`.
 */
export function createControlRouter(deps: { control: ControlPlane; token: string; status: () => Promise<StatusDocument>; logger: Logger }): Router {
  const router = express.Router();
  // Authentication first: nothing, not even a body parse, runs for a caller without the token.
  router.use((req, res, next) => {
    if (deps.token === '') {
      res.status(403).json({ error: 'the control API is off: set CONTROL_API_TOKEN (control.token)' });
      return;
    }
    const header = req.get('authorization') ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    // Compared as digests: equal lengths for timingSafeEqual, and no early exit on the first differing byte.
    if (!timingSafeEqual(digest(given), digest(deps.token))) {
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'missing or wrong bearer token' });
      return;
    }
    next();
  });
  router.use(express.json({ limit: '8kb' }));
  // A body that is not JSON gets a JSON answer, not express's HTML page with a stack trace.
  router.use((err: unknown, _req: Request, res: Response, next: (err?: unknown) => void) => {
    if (err instanceof SyntaxError || (typeof err === 'object' && err !== null && 'type' in err)) {
      res.status(400).json({ error: 'the body must be a JSON object of at most 8 kB' });
      return;
    }
    next(err);
  });

  router.get('/status', async (_req, res) => {
    try {
      res.json(await deps.status());
    } catch (err) {
      res.status(503).json({ error: describeError(err) });
    }
  });

  router.post('/:command', async (req: Request<{ command: string }>, res: Response) => {
    const command = ControlCommand.safeParse(req.params.command);
    if (!command.success) {
      res.status(404).json({ error: `unknown command "${req.params.command}"; commands: ${ControlCommand.options.join(', ')}` });
      return;
    }
    const body = CommandBody.safeParse(req.body ?? {});
    if (!body.success) {
      res.status(400).json({ error: body.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') });
      return;
    }
    try {
      res.json(await deps.control.apply(command.data, { requestedBy: 'http', ...body.data }));
    } catch (err) {
      if (err instanceof TriplegainError && err.code === 'COMMAND_REFUSED') {
        res.status(409).json({ error: err.message });
        return;
      }
      deps.logger.error({ err: describeError(err), command: command.data }, 'control command failed');
      res.status(503).json({ error: describeError(err) });
    }
  });
  return router;
}
