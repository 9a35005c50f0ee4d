import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

export interface BasicAuthOptions {
  user: string;
  /** Must not be empty: an empty password would let `user:` in. */
  password: string;
  /** Realm sent in the challenge. Default `triplegain`. */
  realm?: string;
  /**
   * Runs before a request that sent credentials, and wrong ones, is refused (a failed login:
   * `slowFailedLogins` logs and slows it); the refusal is sent when it calls `next`. A request
   * without an `Authorization` header (a browser's first, before it asks for a password) is
   * refused at once without it.
   */
  onFailedLogin?: RequestHandler;
}

// Hashing first gives both sides the same length, which `timingSafeEqual` requires, and
// keeps the comparison time independent of the expected value's length.
function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function sameSecret(given: string, expected: Buffer): boolean {
  return timingSafeEqual(sha256(given), expected);
}

/** `Basic dXNlcjpwdw==` → `{ user, password }`; anything else → undefined. */
function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  // RFC 7617: the user id cannot contain a colon, the password can.
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Express middleware requiring HTTP Basic credentials equal to `user` and `password`.
 * Anything else (no header, another scheme, wrong user or password) gets 401 with
 * `WWW-Authenticate: Basic realm="<realm>"` and never reaches the next handler. User and
 * password are both compared in constant time, so a timing probe learns neither. Logs
 * nothing: neither the header nor the password ever leaves this function.
 *
 * @throws Error when `password` is empty.
 */
export function basicAuth(options: BasicAuthOptions): RequestHandler {
  if (options.password.length === 0) throw new Error('basicAuth needs a non-empty password');
  const expectedUser = sha256(options.user);
  const expectedPassword = sha256(options.password);
  const challenge = `Basic realm="${options.realm ?? 'triplegain'}"`;

  return (req, res, next) => {
    const given = parseBasic(req.headers.authorization);
    // Both comparisons always run (no short circuit): a wrong user costs the same as a wrong password.
    const userOk = sameSecret(given?.user ?? '', expectedUser);
    const passwordOk = sameSecret(given?.password ?? '', expectedPassword);
    if (given && userOk && passwordOk) {
      next();
      return;
    }
    const refuse = () => {
      res.setHeader('WWW-Authenticate', challenge);
      res.status(401).json({ error: 'authentication required' });
    };
    if (options.onFailedLogin && req.headers.authorization !== undefined) options.onFailedLogin(req, res, refuse);
    else refuse();
  };
}
