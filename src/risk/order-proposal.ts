import { z } from 'zod';
import { ProposalIntent } from '../model/proposal-intent.ts';
import { Side } from '../model/side.ts';
import { MarketRegime } from '../model/market-regime.ts';
import { tradingPair } from '../config/config-fields.ts';
import { PositiveDecimalString } from '../model/decimal-string.ts';

/**
 * Who proposed an order: the coordinator (from an agents' signal), a rebalance, or an operator
 * (`triplegain trade`, `POST /control/trade/...`). Proposals stored before the field existed
 * carry none: read them with `proposalSourceOf`.
 */
export const ProposalSource = z.enum(['coordinator', 'rebalance', 'operator']);
export type ProposalSource = z.infer<typeof ProposalSource>;

/**
 * What the coordinator asks the risk engine to approve: one order derived from one trading
 * signal. `proposalId` is derived from the signal, so a redelivered signal proposes the same
 * order (and the risk job, keyed by it, is not added twice).
 *
 * Size: the position's notional is `equity × sizePct / 100 × leverage`; the margin committed
 * is `equity × sizePct / 100`. Prices are decimal strings in the quote (cash) asset. A
 * proposal may instead name its size: `notionalUsd` for an entry, `exitPct` for an exit (an
 * operator's `--usd` and `--pct`); `sizePct` is then 0 and not read.
 */
export const OrderProposal = z
  .object({
    proposalId: z.string().min(1),
    signalId: z.string().min(1),
    correlationId: z.string().min(1),
    symbol: tradingPair(),
    side: Side,
    /** `entry` opens or adds to a position; `exit` only reduces one (CLOSE, protective exits). */
    intent: ProposalIntent,
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
    /** Who proposed it; absent on proposals from before the field (see `proposalSourceOf`). */
    source: ProposalSource.optional(),
    /** For an operator's proposal: who asked (`cli:<user>`, `http`). */
    requestedBy: z.string().min(1).max(200).optional(),
    /**
     * An entry's notional in the quote asset, named by the proposer (an operator's `--usd`):
     * it replaces `equity × sizePct / 100 × leverage` as the requested notional, and every
     * sizing rule still caps it.
     */
    notionalUsd: PositiveDecimalString.optional(),
    /**
     * An exit's share of the position's quantity, % in (0, 100] (an operator's `close --pct`):
     * the requested quantity is that share of what is held, never more than what is left of it
     * after the exits in flight.
     */
    exitPct: z.number().gt(0).max(100).optional(),
  })
  .strict();
export type OrderProposal = z.infer<typeof OrderProposal>;

/** Who proposed `proposal`: its `source`, else (stored before the field) a rebalance by its purpose, else the coordinator. */
export function proposalSourceOf(proposal: Pick<OrderProposal, 'source' | 'purpose'>): ProposalSource {
  return proposal.source ?? (proposal.purpose === 'rebalance' ? 'rebalance' : 'coordinator');
}
