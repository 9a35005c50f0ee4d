import { createHash } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * An id shaped like Kraken's: `prefix` and 5 characters, then 5, then 6, dash-separated
 * (`OQCLML-BW3P3-BUCMWZ` for an order with prefix `O`, `TCCCTY-WE4YG-KCPYZO` for a trade),
 * derived from `seed` (the client order id; for a fill, with the bar it filled on). Derived,
 * not random, so that the paper exchange orders and fills the same way on every replay.
 * 80 bits of a SHA-256: collisions are not a concern.
 */
export function krakenStyleId(prefix: 'O' | 'T', seed: string): string {
  const chars = [...createHash('sha256').update(`${prefix}|${seed}`).digest()]
    .slice(0, 16)
    .map((b) => ALPHABET[b & 31])
    .join('');
  return `${prefix}${chars.slice(0, 5)}-${chars.slice(5, 10)}-${chars.slice(10, 16)}`;
}
