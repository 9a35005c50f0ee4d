import express, { type Request, type Response, type Router } from 'express';
import { httpErrorReply } from '../shared/http-error-reply.ts';
import { jsonBodyOnly } from '../shared/json-body-only.ts';
import { bearerAuth } from '../shared/bearer-auth.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError } from '../shared/triplegain-error.ts';
import type { StatusDocument } from '../status/status-document.ts';
import { answerControlCommand } from './answer-control-command.ts';
import { answerTradeRequest, type ManualTrades } from './answer-trade-request.ts';
import type { ControlPlane } from './control-plane.ts';

/**
 * The HTTP control API: `POST /control/pause|resume|halt|reset` (JSON body `{ reason?,
 * cancelOrders?, flatten? }`) and `GET /control/status` (the status document, `StatusDocument`;
 * 200 also when a part is unavailable: the document says which), every call with
 * `Authorization: Bearer <control.token>`. Without a configured token every call is refused
 * (403), so the API is off until an operator sets `CONTROL_API_TOKEN`.
 *
 * Manual trades (with `trades`): `POST /control/trade/open` (`{ pair, usd, stopPct?,
 * takeProfitPct?, requestId?, waitMs? }`), `/control/trade/close` (`{ positionId | pair, pct?,
 * … }`), `/control/trade/cancel` (`{ order, … }`); see `TradeDesk`. The answer is a
 * `TradeOutcome` (`status`, `summary`, proposal, risk decision, order): 200 once its outcome is
 * known (a denial included), 202 while still pending; a refused request is `{ error, code }`
 * with 400 (bad input), 404 (no such pair's price, position or order), 409 (HALTED) or 503.
 */
export function createControlRouter(deps: {
  control: ControlPlane;
  token: string;
  status: () => Promise<StatusDocument>;
  logger: Logger;
  trades?: ManualTrades;
  onAuthFailure?: (address: string) => void;
}): Router {
  const router = express.Router();
  // Authentication first: nothing, not even a body parse, runs for a caller without the token.
  router.use(
    bearerAuth({
      token: deps.token,
      offMessage: 'the control API is off: set CONTROL_API_TOKEN (control.token)',
      onFailure: deps.onAuthFailure,
    }),
  );
  router.use(jsonBodyOnly, express.json({ limit: '8kb' }));
  // A body that cannot be read (not JSON, too large, an unsupported or broken Content-Encoding
  // or charset) gets a JSON answer saying so, not express's HTML page with a stack trace.
  router.use((err: unknown, _req: Request, res: Response, _next: (err?: unknown) => void) => {
    const reply = httpErrorReply(err);
    if (reply.status >= 500) deps.logger.error({ err: describeError(err) }, 'control request failed');
    res.status(reply.status).json({ error: reply.error });
  });

  router.get('/status', async (_req, res) => {
    try {
      res.json(await deps.status());
    } catch (err) {
      res.status(503).json({ error: describeError(err) });
    }
  });

  router.post('/trade/:action', async (req: Request<{ action: string }>, res: Response) => {
    await answerTradeRequest(res, deps, req.params.action, req.body, 'http');
  });

  router.post('/:command', (req: Request<{ command: string }>, res: Response) =>
    answerControlCommand(res, deps, req.params.command, req.body, 'http'),
  );
  return router;
}
