import type { NextFunction, Request, Response } from 'express';

/**
 * Refuses (415) a request whose body is not declared as JSON. `express.json` leaves such a body
 * unread, so a `halt` sent form-encoded (curl's default) would be carried out without the
 * `flatten` and `cancelOrders` it asked for: the caller must learn its options were not read.
 * A request with no body passes.
 */
export function jsonBodyOnly(req: Request, res: Response, next: NextFunction): void {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined ||
    (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
  if (hasBody && !req.is('application/json')) {
    res.status(415).json({
      error: `send the body as JSON (Content-Type: application/json), not ${req.get('content-type') ?? 'an undeclared type'}`,
    });
    return;
  }
  next();
}
