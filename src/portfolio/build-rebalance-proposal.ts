import { Decimal } from '../model/decimal.ts';
import { Dec } from '../positions/position-decimal.ts';
import { OrderProposal } from '../risk/order-proposal.ts';
import type { FittedTrade } from './fit-leg-to-account.ts';
import { rebalanceIds } from './rebalance-ids.ts';

/** Places of `sizePct`, cut towards zero so the risk engine never sizes above the trade. */
const SIZE_PCT_PLACES = 10;

export interface RebalanceProposalInput {
  rebalanceId: string;
  batchIndex: number;
  correlationId: string;
  trade: FittedTrade;
  /** Equity as the risk engine reads it (its `PortfolioReader`), now; > 0. */
  equityUsd: string;
  nowMs: number;
}

/**
 * The order proposal of one rebalance trade. Pure.
 *
 * - `purpose: 'rebalance'`; a sell reduces a holding (`intent: 'exit'`: the risk engine caps
 *   it to the open long and lets it through a pause), a buy adds one (`intent: 'entry'`: every
 *   rule for new risk applies, but no stop-loss is asked for: the stop-loss rules exempt
 *   rebalancing, a strategic allocation, not a trade with an exit plan).
 * - Sized so the risk engine's notional is the trade's: `sizePct = notional / equity × 100`
 *   at leverage 1, cut towards zero, with `entryPrice` the price the trade was fitted at; so
 *   the approved quantity (`notional / entryPrice`, cut) never exceeds the trade's.
 * - No regime (a rebalance is not a bet on direction) and confidence 1 (not a model's guess).
 * - `proposalId` from (rebalance, batch, symbol, side); `signalId` is the rebalance id.
 *
 * @throws RangeError when equity is not above zero (there is no share of it to size by).
 */
export function buildRebalanceProposal(input: RebalanceProposalInput): OrderProposal {
  const { trade } = input;
  if (!new Dec(input.equityUsd).gt(0))
    throw new RangeError(`equity ${input.equityUsd} is not above zero: a rebalance trade cannot be sized`);
  const sizePct = Dec.min(100, new Dec(trade.notionalUsd).div(input.equityUsd).times(100))
    .toDecimalPlaces(SIZE_PCT_PLACES, Decimal.ROUND_DOWN)
    .toNumber();
  return OrderProposal.parse({
    proposalId: rebalanceIds.proposal(input.rebalanceId, input.batchIndex, trade.symbol, trade.side),
    signalId: input.rebalanceId,
    correlationId: input.correlationId,
    symbol: trade.symbol,
    side: trade.side,
    intent: trade.side === 'sell' ? 'exit' : 'entry',
    purpose: 'rebalance',
    entryPrice: trade.price,
    stopLoss: null,
    takeProfit: null,
    sizePct,
    leverage: 1,
    confidence: 1,
    regime: null,
    createdAtMs: input.nowMs,
  });
}
