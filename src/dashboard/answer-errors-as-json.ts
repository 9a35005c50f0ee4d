import type { Express, NextFunction, Request, Response } from 'express';
import { httpErrorReply } from '../shared/http-error-reply.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError } from '../shared/triplegain-error.ts';

/**
 * Installs, last on `app`, a 404 for every request no route took and an error handler, both
 * answering `{ error }` as JSON: never Express's HTML page, which shows the stack trace outside
 * production. A body that cannot be read gets its 4xx (`httpErrorReply`); anything else is
 * 500 `internal error`, logged with method, path and error (never a header or a body).
 */
export function answerErrorsAsJson(app: Express, logger: Logger): void {
  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: `no such route: ${req.method} ${req.path}` });
  });
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    const reply = httpErrorReply(err);
    if (reply.status >= 500)
      logger.error({ method: req.method, path: req.path, err: describeError(err) }, 'dashboard request failed');
    // Part of an answer is out already: only Express's handler can end it (it closes the connection, sending nothing more).
    if (res.headersSent) {
      next(err);
      return;
    }
    res.status(reply.status).json({ error: reply.error });
  });
}
