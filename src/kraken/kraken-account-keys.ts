import { createHash } from 'node:crypto';
import type { Keys } from '../keys.ts';

/** The Redis keys of one Kraken account (API key), all under `keys.rateLimit(…)`. */
export interface KrakenAccountKeys {
  /** Hash `{ counter, ts }`: the account's decaying API counter. */
  apiCounter: string;
  /** String: the token of the replica whose private request is in flight (one at a time). */
  lock: string;
  /** String: the last nonce handed out for the key. Never expires. */
  nonce: string;
  /** Hash `{ counter, ts }`: the matching engine's counter of one pair (`BTC/USD`). */
  tradingCounter(symbol: string): string;
  /** String `<symbol> <placedAtMs>`: an order placed from here, for the cancel penalty. */
  placedOrder(txid: string): string;
}

/**
 * A stable name for the account behind an API key that does not reveal the key: Kraken keeps
 * the nonce and the API counter per key, so every replica using the key must share them.
 */
export function krakenAccountId(apiKey: string): string {
  return createHash('sha256').update(`kraken-api-key\n${apiKey}`).digest('hex').slice(0, 16);
}

export function krakenAccountKeys(keys: Keys, accountId: string): KrakenAccountKeys {
  const name = `kraken:account:${accountId}`;
  return {
    apiCounter: keys.rateLimit(`${name}:api`),
    lock: keys.rateLimit(`${name}:lock`),
    nonce: keys.rateLimit(`${name}:nonce`),
    tradingCounter: (symbol) => keys.rateLimit(`${name}:trading:${symbol}`),
    placedOrder: (txid) => keys.rateLimit(`${name}:placed:${txid}`),
  };
}
