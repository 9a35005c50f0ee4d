import type { KrakenTier } from '../config/sections/execution-config.ts';

/**
 * The most orders an account may have open on one pair, by verification tier: Starter 60,
 * Intermediate 80, Pro 225 (support.kraken.com, "Maximum number of open orders",
 * https://support.kraken.com/hc/en-us/articles/209090607; the engine's open order count of
 * "Spot Trading Limits", https://docs.kraken.com/api/docs/guides/spot-ratelimits). An order past
 * it is refused before it is sent.
 */
export const KRAKEN_OPEN_ORDERS_PER_PAIR: Readonly<Record<KrakenTier, number>> = {
  starter: 60,
  intermediate: 80,
  pro: 225,
};
