import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Kraken's `API-Sign` of one private request: HMAC-SHA512, keyed with the decoded secret, of
 * the URI path followed by SHA-256(nonce + POST body) (docs.kraken.com, "Spot REST
 * Authentication": https://docs.kraken.com/exchange/guides/rest/authentication).
 *
 * @param secret the API secret as Kraken shows it (base64).
 */
export function krakenSignature(path: string, nonce: string, body: string, secret: string): Buffer {
  return createHmac('sha512', Buffer.from(secret, 'base64'))
    .update(Buffer.concat([Buffer.from(path), createHash('sha256').update(`${nonce}${body}`).digest()]))
    .digest();
}

/** Whether `apiSign` (the header, base64) is the signature of this request; constant time. */
export function signatureMatches(path: string, nonce: string, body: string, secret: string, apiSign: string): boolean {
  const expected = krakenSignature(path, nonce, body, secret);
  const given = Buffer.from(apiSign, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
