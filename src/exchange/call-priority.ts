import { z } from 'zod';

/**
 * How much a rate-limited exchange call matters, and so how much of the account's shared
 * counter it may fill (Kraken: `admissionCeiling`):
 * - `protective`: what keeps positions protected and the books true — order lookups, the open
 *   orders, reconciliation, re-arming the dead man's switch. May use the whole counter.
 * - `trading`: reads a new trade depends on (balances for sizing and risk). Leaves a reserve
 *   for protective calls.
 * - `background`: reads nothing waits for (the valuation snapshot of a closed bar). Only while
 *   the counter is low, and never waits: the call fails at once, retryable.
 */
export const CallPriority = z.enum(['protective', 'trading', 'background']);
export type CallPriority = z.infer<typeof CallPriority>;
