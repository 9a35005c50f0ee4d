import type { Response } from 'express';
import type { Logger } from '../shared/logger.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';
import type { TradeDesk } from '../trades/trade-desk.ts';

/** The manual trades an HTTP route offers (`TradeDesk`); absent where the process has no database. */
export type ManualTrades = Pick<TradeDesk, 'open' | 'close' | 'cancel'>;

export const TRADE_ACTIONS = ['open', 'close', 'cancel'] as const;

/** HTTP status of a refused trade request, by error code; anything else is 503. */
const TRADE_ERROR_STATUS: Partial<Record<string, number>> = {
  INPUT_INVALID: 400,
  NOT_FOUND: 404,
  COMMAND_REFUSED: 409,
};

/**
 * Answers one manual trade request, for the control API and the status page alike: the body is
 * handed as it came to the trade desk, which parses it (`trade-request.ts`) and records the
 * request as `requestedBy`. The answer is the `TradeOutcome`, 200 once its outcome is known (a
 * denial included) and 202 while still pending; a refused request is `{ error, code }` with 400
 * (bad input), 404 (unknown action; no such pair's price, position or order), 409 (HALTED), or
 * 503 (no trade desk in this process, the database or Redis down).
 */
export async function answerTradeRequest(
  res: Response,
  deps: { trades?: ManualTrades | undefined; logger: Logger },
  actionName: string,
  body: unknown,
  requestedBy: string,
): Promise<void> {
  const action = TRADE_ACTIONS.find((a) => a === actionName);
  if (!action) {
    res
      .status(404)
      .json({ error: `unknown trade action "${actionName}"; actions: ${TRADE_ACTIONS.join(', ')}`, code: 'NOT_FOUND' });
    return;
  }
  if (!deps.trades) {
    res.status(503).json({ error: 'manual trades are off in this process (it has no database)', code: 'UNAVAILABLE' });
    return;
  }
  try {
    const outcome = await deps.trades[action](body ?? {}, requestedBy);
    res.status(outcome.status === 'pending' ? 202 : 200).json(outcome);
  } catch (err) {
    const code = err instanceof TriplegainError ? err.code : 'INTERNAL';
    const status = TRADE_ERROR_STATUS[code] ?? 503;
    if (status === 503) deps.logger.error({ err: describeError(err), action, requestedBy }, 'manual trade failed');
    // Our own errors say what to do; anything else stays in the log (no internals in an answer).
    res.status(status).json({
      error: err instanceof TriplegainError ? err.message : 'the trade request failed: see the dashboard log',
      code,
    });
  }
}
