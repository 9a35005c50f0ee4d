import type { RequestHandler, Response } from 'express';
import { slowDown } from 'express-slow-down';
import type { Logger } from '../shared/logger.ts';
import { failedLoginLog } from './failed-login-log.ts';

/** Failed logins an address may make per window before each next one is held back. */
export const FREE_FAILED_LOGINS = 5;
/** How much longer each failed login past the free ones is held than the one before. */
export const FAILED_LOGIN_DELAY_STEP_MS = 1_000;
/** The longest a failed login is held. */
export const MAX_FAILED_LOGIN_DELAY_MS = 10_000;
/** How long failed logins are remembered per address. */
const WINDOW_MS = 15 * 60_000;

export interface SlowFailedLogins {
  /** Run for a request whose credentials were wrong; `next` sends the refusal. */
  handler: RequestHandler;
  /** Drops the refusals still held back (a shutdown does not wait for a guesser) and logs the counts not yet logged. */
  close(): void;
}

/**
 * What a failed dashboard login goes through before it is refused: it is logged with its source
 * address (`failedLoginLog`: one line per address a minute, with a count), and from the
 * sixth failure per address in 15 minutes on it is held back 1 s longer than the one before,
 * up to 10 s (express-slow-down, keyed by source address, its in-memory store). A right
 * password never passes through here, so it is never slowed, even from an address that failed.
 *
 * The address is the connection's: `trust proxy` is off, so a forged X-Forwarded-For cannot
 * spread one guesser over many keys; behind a reverse proxy every failure shares the proxy's
 * address, which slows guessing as a whole and never a right password.
 */
export function slowFailedLogins(options: { logger: Logger }): SlowFailedLogins {
  const log = failedLoginLog({ logger: options.logger });
  const held = new Set<Response>();
  const slow = slowDown({
    windowMs: WINDOW_MS,
    delayAfter: FREE_FAILED_LOGINS,
    delayMs: (used) => (used - FREE_FAILED_LOGINS) * FAILED_LOGIN_DELAY_STEP_MS,
    maxDelayMs: MAX_FAILED_LOGIN_DELAY_MS,
    // Forwarding headers are ignored on purpose (see above); the library would warn of them on the console.
    validate: { xForwardedForHeader: false, forwardedHeader: false },
  });

  let closed = false;
  const handler: RequestHandler = (req, res, next) => {
    // A request on a connection accepted before the close: refused at once, the server is going away.
    if (closed) {
      next();
      return;
    }
    log.record(req.ip ?? req.socket.remoteAddress ?? 'unknown');
    held.add(res);
    res.on('close', () => held.delete(res));
    void slow(req, res, (err?: unknown) => {
      held.delete(res);
      next(err);
    });
  };

  return {
    handler,
    close() {
      closed = true;
      for (const res of held) res.destroy();
      held.clear();
      log.close();
    },
  };
}
