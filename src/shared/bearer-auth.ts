import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

export interface BearerAuthOptions {
  /** The token a caller must present; empty means the routes behind it are off. */
  token: string;
  /** The 403 answer while no token is configured, naming the variable that turns it on. */
  offMessage: string;
  /** Told the source address of every request refused for a missing or wrong token (e.g. `failedLoginLog`). */
  onFailure?: (address: string) => void;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Express middleware requiring `Authorization: Bearer <token>`. Without a configured token
 * every request gets 403 `{ error: offMessage }`; a missing, wrong or non-bearer credential
 * gets 401 with `WWW-Authenticate: Bearer`. Nothing behind it (not even a body parse) runs for
 * a caller without the token. The header never leaves this function; a refusal is reported by
 * its source address only (`onFailure`).
 */
export function bearerAuth(options: BearerAuthOptions): RequestHandler {
  const expected = digest(options.token);
  return (req, res, next) => {
    if (options.token === '') {
      res.status(403).json({ error: options.offMessage });
      return;
    }
    const header = req.get('authorization') ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    // Compared as digests: equal lengths for timingSafeEqual, and no early exit on the first differing byte.
    if (!timingSafeEqual(digest(given), expected)) {
      options.onFailure?.(req.socket.remoteAddress ?? 'unknown');
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'missing or wrong bearer token' });
      return;
    }
    next();
  };
}
