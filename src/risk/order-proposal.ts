import { z } from 'zod';
import { MarketRegime } from '../bus/messages/regime-detected.ts';
import { tradingPair } from '../config/config-fields.ts';
import { PositiveDecimalString } from '../shared/decimal-string.ts';

/**
 * What the coordinator asks the risk engine to approve: one order derived from one trading
 * signal. `proposalId` is derived from the signal, so a redelivered signal proposes the same
 * order (and the risk job, keyed by it, is not added twice).
 *
 * Size: the position's notional is `equity × sizePct / 100 × leverage`; the margin committed
 * is `equity × sizePct / 100`. Prices are decimal strings in the quote (cash) asset.
 */
export const OrderProposal = z
  .object({
    proposalId: z.string().min(1),
    signalId: z.string().min(1),
    correlationId: z.string().min(1),
    symbol: tradingPair(),
    side: z.enum(['buy', 'sell']),
    /** `entry` opens or adds to a position; `exit` only reduces one (CLOSE, protective exits). */
    intent: z.enum(['entry', 'exit']),
    /**
     * Why the order exists, when not plainly its intent: a rebalance trade, a take profit, a
     * flatten. Never a stop loss: a position's one stop is the engine's own, sized to it
     * (`syncProtectiveStop`), not an approval.
     */
    purpose: z.enum(['entry', 'exit', 'take_profit', 'rebalance', 'flatten']).optional(),
    /** Reference price of the order: the market price the signal was made at, or a limit. */
    entryPrice: PositiveDecimalString,
    stopLoss: PositiveDecimalString.nullable(),
    takeProfit: PositiveDecimalString.nullable(),
    /** Share of equity committed as margin, 0–100. */
    sizePct: z.number().min(0).max(100),
    leverage: z.number().min(1).max(5),
    /** Confidence after consensus, 0–1. */
    confidence: z.number().min(0).max(1),
    /** The symbol's regime when the signal was coordinated; null when unknown or stale. */
    regime: MarketRegime.nullable(),
    createdAtMs: z.number().int().nonnegative(),
  })
  .strict();
export type OrderProposal = z.infer<typeof OrderProposal>;
