import { z } from 'zod';
import { RiskVerdict } from '../model/risk-verdict.ts';
import { TradeAction, TradingSignalEmitted } from '../bus/messages/trading-signal-emitted.ts';
import { Conflict } from '../coordinator/conflict.ts';
import { Resolution } from '../coordinator/resolution.ts';
import { PanelDecision } from '../panel/panel-decision.ts';
import { OrderProposal } from '../risk/order-proposal.ts';
import { RiskAdjustment } from '../model/risk-adjustment.ts';
import { RiskReason } from '../model/risk-reason.ts';
import { RiskState } from '../risk/risk-state.ts';
import { DecimalString } from '../model/decimal-string.ts';

/**
 * `triplegain explain <id>`: one decision chain, from the bars it was taken on to the position
 * its orders built. Instants are epoch milliseconds (`…Ms`); prices, quantities, fees and P&L
 * are decimal strings exactly as stored. A step the chain never reached is null or empty (a
 * HOLD has no proposal, no risk decision and no orders).
 */

const epochMs = z.number().int();

/** What kind of id `explain` was given, as it was recognised. */
export const ExplainIdKind = z.enum([
  'signal_id',
  'proposal_id',
  'risk_decision_id',
  'client_order_id',
  'exchange_order_id',
]);
export type ExplainIdKind = z.infer<typeof ExplainIdKind>;

export const ExplainedCandle = z
  .object({
    openTimeMs: epochMs,
    open: DecimalString,
    high: DecimalString,
    low: DecimalString,
    close: DecimalString,
    volume: DecimalString,
    trades: z.number().int(),
    gapFilled: z.boolean(),
    /** The bar the signal was decided on (the others are the bars before it). */
    analysed: z.boolean(),
  })
  .strict();
export type ExplainedCandle = z.infer<typeof ExplainedCandle>;

export const ExplainedAgentOutput = z
  .object({
    agent: z.string().min(1),
    timeframe: z.string(),
    candleOpenTimeMs: epochMs,
    correlationId: z.string(),
    createdAtMs: epochMs,
    /** The few numbers that say what the agent concluded (bias, regime, score, RSI, …); empty for an output of unknown shape. */
    figures: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
    /** The whole stored output. */
    output: z.record(z.string(), z.unknown()),
  })
  .strict();
export type ExplainedAgentOutput = z.infer<typeof ExplainedAgentOutput>;

export const ExplainedModelCall = z
  .object({
    occurredAtMs: epochMs,
    provider: z.string(),
    model: z.string(),
    /** `decision`, `sentiment`, `conflict_resolution`, … */
    purpose: z.string(),
    outcome: z.string(),
    attempt: z.number().int(),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    costUsd: DecimalString,
    latencyMs: z.number().int(),
    error: z.string().nullable(),
  })
  .strict();
export type ExplainedModelCall = z.infer<typeof ExplainedModelCall>;

export const ExplainedSignal = z
  .object({
    signalId: z.string().min(1),
    symbol: z.string(),
    timeframe: z.string(),
    candleOpenTimeMs: epochMs,
    action: TradeAction,
    confidence: z.number(),
    agreement: z.number(),
    entryPrice: DecimalString.nullable(),
    stopLoss: DecimalString.nullable(),
    takeProfit: DecimalString.nullable(),
    sizePct: DecimalString,
    leverage: DecimalString,
    votes: TradingSignalEmitted.payload.shape.votes,
    abstentions: TradingSignalEmitted.payload.shape.abstentions,
    reasons: PanelDecision.shape.reasons,
    withSentiment: z.boolean(),
    degradationLevel: z.string(),
    correlationId: z.string(),
    createdAtMs: epochMs,
    /** When `decision.signal_emitted` went on the bus; null if it has not (yet). */
    publishedAtMs: epochMs.nullable(),
  })
  .strict();
export type ExplainedSignal = z.infer<typeof ExplainedSignal>;

/** The coordinator's consensus weighting (`Consensus` in `apply-consensus.ts`). */
export const ExplainedConsensus = z
  .object({
    agreement: z.number().nullable(),
    agreeing: z.number().int(),
    counted: z.number().int(),
    multiplier: z.number(),
    confidence: z.number(),
  })
  .strict();

export const ExplainedCoordinatorDecision = z
  .object({
    signalId: z.string(),
    /** `SignalOutcome`: proposed, hold, stale, paused, halted, exits_only, wait, abort, nothing_to_close, nothing_to_sell. */
    outcome: z.string(),
    conflicts: z.array(Conflict),
    consensus: ExplainedConsensus.nullable(),
    resolution: Resolution.nullable(),
    proposalId: z.string().nullable(),
    proposal: OrderProposal.nullable(),
    coordinatorState: z.string(),
    degradationLevel: z.string(),
    createdAtMs: epochMs,
  })
  .strict();
export type ExplainedCoordinatorDecision = z.infer<typeof ExplainedCoordinatorDecision>;

export const ExplainedRiskDecision = z
  .object({
    decisionId: z.string(),
    proposalId: z.string(),
    decision: RiskVerdict,
    proposal: OrderProposal,
    /** Approved notional and quantity (base units); null on a denial. */
    notionalUsd: DecimalString.nullable(),
    quantity: DecimalString.nullable(),
    adjustments: z.array(RiskAdjustment),
    reasons: z.array(RiskReason),
    /** The risk state after the decision; null when the stored state is not of the current shape. */
    riskStateAfter: RiskState.nullable(),
    createdAtMs: epochMs,
  })
  .strict();
export type ExplainedRiskDecision = z.infer<typeof ExplainedRiskDecision>;

export const ExplainedOrderEvent = z
  .object({
    /** `OrderEventKind`. */
    kind: z.string(),
    /** Null for the birth events (`created`, `adopted`). */
    fromStatus: z.string().nullable(),
    toStatus: z.string(),
    payload: z.record(z.string(), z.unknown()),
    occurredAtMs: epochMs,
  })
  .strict();
export type ExplainedOrderEvent = z.infer<typeof ExplainedOrderEvent>;

export const ExplainedFill = z
  .object({
    fillId: z.string(),
    quantity: DecimalString,
    price: DecimalString,
    feeUsd: DecimalString,
    filledAtMs: epochMs,
    /** The position the fill went into (after a flip, the new one); null before it is applied, and for a rebalance's fill (the core allocation is no position). */
    positionId: z.number().int().nullable(),
    /** The P&L this fill realized; null before it is applied to a position. */
    realizedPnlUsd: DecimalString.nullable(),
  })
  .strict();
export type ExplainedFill = z.infer<typeof ExplainedFill>;

export const ExplainedOrder = z
  .object({
    clientOrderId: z.string(),
    exchangeOrderId: z.string().nullable(),
    decisionId: z.string().nullable(),
    proposalId: z.string().nullable(),
    /** entry, exit, stop_loss, take_profit, rebalance, flatten, adopted. */
    purpose: z.string(),
    intent: z.string().nullable(),
    exchange: z.string(),
    symbol: z.string(),
    side: z.string(),
    type: z.string(),
    status: z.string(),
    quantity: DecimalString,
    filledQuantity: DecimalString,
    avgFillPrice: DecimalString.nullable(),
    limitPrice: DecimalString.nullable(),
    triggerPrice: DecimalString.nullable(),
    leverage: DecimalString,
    reduceOnly: z.boolean(),
    feeUsd: DecimalString,
    createdAtMs: epochMs,
    updatedAtMs: epochMs,
    /** Oldest first. */
    events: z.array(ExplainedOrderEvent),
    /** Oldest first. */
    fills: z.array(ExplainedFill),
  })
  .strict();
export type ExplainedOrder = z.infer<typeof ExplainedOrder>;

export const ExplainedPosition = z
  .object({
    positionId: z.number().int(),
    account: z.string(),
    symbol: z.string(),
    /** open or closed. */
    status: z.string(),
    /** long or short. */
    side: z.string(),
    /** Base units; for a closed position, the size it had before it closed. */
    quantity: DecimalString,
    avgEntryPrice: DecimalString,
    leverage: DecimalString,
    /** The whole position's realized P&L, fills of other chains included. */
    realizedPnlUsd: DecimalString,
    /** The part realized by this chain's fills. */
    chainRealizedPnlUsd: DecimalString,
    feesUsd: DecimalString,
    protection: z.record(z.string(), z.unknown()),
    openedAtMs: epochMs,
    updatedAtMs: epochMs,
    closedAtMs: epochMs.nullable(),
  })
  .strict();
export type ExplainedPosition = z.infer<typeof ExplainedPosition>;

/** One decision chain, every step in the order it happened. */
export const Explanation = z
  .object({
    /** The id asked about and what it was recognised as. */
    query: z.object({ id: z.string().min(1), matchedAs: ExplainIdKind }).strict(),
    signalId: z.string().nullable(),
    proposalId: z.string().nullable(),
    /** The decision flow's correlation id (`decision.<symbol>.<tick>`); null for an order no decision led to. */
    correlationId: z.string().nullable(),
    /** The analysed bar and the few before it, oldest first; empty without a stored signal. */
    candles: z.array(ExplainedCandle),
    agentOutputs: z.array(ExplainedAgentOutput),
    /** Every model call of the flow (panel, sentiment, conflict resolution), oldest first. */
    modelCalls: z.array(ExplainedModelCall),
    signal: ExplainedSignal.nullable(),
    coordinator: ExplainedCoordinatorDecision.nullable(),
    risk: ExplainedRiskDecision.nullable(),
    /** Oldest first: the entry, then its protective and closing orders. */
    orders: z.array(ExplainedOrder),
    positions: z.array(ExplainedPosition),
  })
  .strict();
export type Explanation = z.infer<typeof Explanation>;
