import type { OpenPosition } from './risk-context.ts';

/**
 * What the risk engine reads of the account: equity and open positions, now. `signal` ends a
 * read that waits too long (for an exchange's rate limit, say): the read then fails, and the
 * caller denies rather than guesses.
 */
export interface PortfolioReader {
  /**
   * Wall time: the balances behind an answer may come from a read begun up to this long before
   * the call (shared with other callers). A caller that counts what changed since a read (the
   * risk job's released reservations) counts from this long before it asked. Absent: 0, read
   * when asked.
   */
  readonly balancesMaxAgeMs?: number;
  /** Cash plus the open positions' value, in the cash asset, decimal string. */
  equityUsd(signal?: AbortSignal): Promise<string>;
  openPositions(signal?: AbortSignal): Promise<OpenPosition[]>;
  /**
   * Cash a new spot buy can spend: the cash balance less what the account's open spot buys
   * still need (their unfilled quantity at their limit price, or at the latest close), except
   * buys an approval still holds cash for: the risk worker takes those reservations off
   * itself (`heldCashUsd`), so no cash is counted twice.
   */
  freeCashUsd(signal?: AbortSignal): Promise<string>;
}

/**
 * The account before anything was traded: the paper account's starting cash and no positions.
 * For tests and benchmarks of the risk path that need no exchange; workers read the account
 * with `exchangePortfolio`.
 */
export function untradedAccount(startingCashUsd: string): PortfolioReader {
  return {
    equityUsd: async () => startingCashUsd,
    openPositions: async () => [],
    freeCashUsd: async () => startingCashUsd,
  };
}
