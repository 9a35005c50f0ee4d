import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The request header the status page sends its CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

export interface CsrfTokens {
  /** The token of `user`: what the page embeds and sends back with every change. */
  tokenFor(user: string): string;
  /** True when `given` is `user`'s token; compared in constant time. False for a missing token. */
  verify(user: string, given: string | undefined): boolean;
}

/**
 * CSRF tokens for the status page: `HMAC-SHA256(secret, "csrf:" + user)`, base64url. The secret
 * is drawn once per process (a restart invalidates every page open before it; a reload gets the
 * new token), never logged and never sent. A foreign page replaying the browser's cached Basic
 * credentials cannot read the page (no CORS), so it never learns the token, and a request
 * without it is refused.
 *
 * @param secret for tests; default 32 random bytes.
 */
export function csrfTokens(secret: Buffer = randomBytes(32)): CsrfTokens {
  const tokenFor = (user: string) => createHmac('sha256', secret).update(`csrf:${user}`, 'utf8').digest('base64url');
  return {
    tokenFor,
    verify(user, given) {
      if (given === undefined || given === '') return false;
      const expected = Buffer.from(tokenFor(user), 'utf8');
      const actual = Buffer.from(given, 'utf8');
      // Lengths first: timingSafeEqual throws on unequal lengths; the length of a token is no secret.
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
  };
}
