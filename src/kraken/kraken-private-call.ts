import type { CallPriority } from '../exchange/call-priority.ts';
import type { KrakenPrivateMethod } from './kraken-rate-limiter.ts';

/** What `KrakenPrivateClient` reports of a private request just before sending it. */
export interface PrivateRequestInfo {
  method: KrakenPrivateMethod;
  nonce: number;
  /** The counter that admitted the request, after adding its cost; null when it cost nothing. */
  counter: number | null;
}

export interface PrivateCallOptions {
  signal?: AbortSignal;
  /** For the error messages: `AddOrder BTC/USD`. Default the method. */
  what?: string;
  /** AddOrder and CancelOrder: the pair whose trading counter admits the call, and the cost. */
  trading?: { symbol: string; cost: number };
  /**
   * How much of the account's API counter the call may fill (`admissionCeiling`); default
   * `trading`. A `background` call never waits for the counter: refused at once, retryable.
   */
  priority?: CallPriority;
  /**
   * AddOrder: sends `deadline`, this many ms of wall time after the moment the request is
   * signed (after its turn came), as RFC 3339: the engine does not match the order after it.
   */
  deadlineMs?: number;
}

/** A Kraken pair as the private API names it: `id` (`XXBTZUSD`) and `altname` (`XBTUSD`). */
export interface KrakenMarket {
  id: string;
  altname: string | undefined;
}
