import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * A random id shaped like Kraken's: `prefix` and 5 characters, then 5, then 6, dash-separated
 * (`OQCLML-BW3P3-BUCMWZ` for an order with prefix `O`, `TCCCTY-WE4YG-KCPYZO` for a trade).
 * 80 random bits: collisions are not a concern.
 */
export function krakenStyleId(prefix: 'O' | 'T'): string {
  const chars = [...randomBytes(16)].map((b) => ALPHABET[b & 31]).join('');
  return `${prefix}${chars.slice(0, 5)}-${chars.slice(5, 10)}-${chars.slice(10, 16)}`;
}
