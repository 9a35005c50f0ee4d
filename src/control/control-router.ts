import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { bearerAuth } from '../dashboard/bearer-auth.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';
import type { ControlPlane } from './control-plane.ts';
import { ControlCommand } from './coordinator-state.ts';
import type { ClusterStatus } from './read-cluster-status.ts';

/** Body of `POST /control/<command>`. */
const CommandBody = z
  .object({
    reason: z.string().max(500).default(''),
    cancelOrders: z.boolean().default(false),
    flatten: z.boolean().default(false),
  })
  .strict();

/**
 * The HTTP control API: `POST /control/pause|resume|halt|reset` (JSON body `{ reason?,
 * cancelOrders?, flatten? }`) and `GET /control/status`, every call with
 * `Authorization: Bearer <control.token>`. Without a configured token every call is refused
 * (403), so the API is off until an operator sets `CONTROL_API_TOKEN`.
 */
export function createControlRouter(deps: { control: ControlPlane; token: string; status: () => Promise<ClusterStatus>; logger: Logger }): Router {
  const router = express.Router();
  // Authentication first: nothing, not even a body parse, runs for a caller without the token.
  router.use(bearerAuth({ token: deps.token, offMessage: 'the control API is off: set CONTROL_API_TOKEN (control.token)' }));
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
