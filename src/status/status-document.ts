import { z } from 'zod';
import { PositionSide } from '../model/position-side.ts';
import { DegradationLevel } from '../model/degradation-level.ts';
import { CoordinatorState } from '../model/coordinator-state.ts';
import { BreakerStatus } from '../risk/risk-state.ts';
import { TradingState } from '../model/trading-state.ts';
import { DecimalString } from '../model/decimal-string.ts';

/**
 * The one status document: what `triplegain status --json` prints, `GET /control/status`
 * answers, and the status page and the metrics endpoint read (`readStatus` builds it).
 *
 * It has two parts, one per source, because each fails on its own: `redis` (trading state,
 * degradation, risk breakers, queues, bus) and `database` (equity, cash, positions, orders,
 * today's P&L, decisions). A part that could not be read is `{ available: false, error }`,
 * and `complete` is then false; the other part is still there.
 *
 * Money, prices and quantities are decimal strings in the cash (quote) asset; times are epoch
 * milliseconds. The schema only ever grows: fields are added, never renamed or removed
 * (`schemaVersion` changes only if that promise is broken).
 */

const epochMs = z.number().int().nonnegative();
const count = z.number().int().nonnegative();

/** A part that could not be read, and why (secrets redacted). */
export const UnavailablePart = z.object({ available: z.literal(false), error: z.string() }).strict();
export type UnavailablePart = z.infer<typeof UnavailablePart>;

/** The kill switch's state (`ControlPlane`): who set it, when, why. */
export const ControlSection = z
  .object({
    /**
     * False when Redis holds no trading state (a Redis that lost its data, a prefix no cluster
     * uses): `state` is then the initial RUNNING, but workers trade nothing until one restores
     * the state from the database, and people are shown UNKNOWN.
     */
    stored: z.boolean(),
    state: CoordinatorState,
    /** Increases by one with every applied command; 0 before the first. */
    version: count,
    resets: count,
    changedAtMs: epochMs,
    requestedBy: z.string(),
    reason: z.string(),
    /** With HALTED: the halt also cancels open orders / closes every position (carried out by the execution side). */
    cancelOrders: z.boolean(),
    flatten: z.boolean(),
    /** The queues paused in Redis now (BullMQ's pause), whatever the state says they should be. */
    pausedQueues: z.array(z.string()),
    /** Order submissions admitted and not yet finished (their ids). */
    submissionsInFlight: z.array(z.string()),
    /** Why open positions may lack their stops right now; entries wait while any is listed. */
    protectionPending: z.array(z.string()),
  })
  .strict();
export type ControlSection = z.infer<typeof ControlSection>;

export const DegradationSection = z
  .object({
    level: DegradationLevel,
    consecutiveFailures: count,
    consecutiveSuccesses: count,
  })
  .strict();
export type DegradationSection = z.infer<typeof DegradationSection>;

/** The risk engine's state as its last decision left it. */
export const RiskSection = z
  .object({
    account: z.string(),
    tradingState: TradingState,
    breakers: z.object({ dailyLoss: BreakerStatus, weeklyLoss: BreakerStatus, drawdown: BreakerStatus }).strict(),
    consecutiveLosses: count,
    /** No new entries before this instant (a loss-streak cooldown). */
    cooldownUntilMs: epochMs.nullable(),
    /** No new entries before this instant (a `pause_entries` breaker). */
    entriesPausedUntilMs: epochMs.nullable(),
    peakEquityUsd: DecimalString,
    dayStartEquityUsd: DecimalString,
    updatedAtMs: epochMs,
  })
  .strict();
export type RiskSection = z.infer<typeof RiskSection>;

/** One BullMQ queue. */
export const QueueHealth = z
  .object({
    name: z.string(),
    /** Ready to run: waiting, paused-waiting and prioritized jobs. */
    waiting: count,
    active: count,
    delayed: count,
    failed: count,
    paused: z.boolean(),
  })
  .strict();
export type QueueHealth = z.infer<typeof QueueHealth>;

/** One consumer group of a bus topic. */
export const BusGroupLag = z
  .object({
    group: z.string(),
    consumers: count,
    /** Delivered and not acknowledged. */
    pending: count,
    /** Entries not yet delivered to the group (a lower bound when `lagExact` is false). */
    lag: count,
    lagExact: z.boolean(),
  })
  .strict();
export type BusGroupLag = z.infer<typeof BusGroupLag>;

export const BusTopicLag = z
  .object({
    topic: z.string(),
    /** Entries on both lanes. */
    length: count,
    deadLetters: count,
    groups: z.array(BusGroupLag),
  })
  .strict();
export type BusTopicLag = z.infer<typeof BusTopicLag>;

/** What Redis knows. */
export const RedisPart = z
  .object({
    available: z.literal(true),
    control: ControlSection,
    degradation: DegradationSection,
    /** Null before the risk engine's first decision. */
    risk: RiskSection.nullable(),
    queues: z.array(QueueHealth),
    bus: z.array(BusTopicLag),
  })
  .strict();
export type RedisPart = z.infer<typeof RedisPart>;

/** The latest valuation of the account (`portfolio_snapshots`, written every closed bar and portfolio tick). */
export const PortfolioSection = z
  .object({
    /** The start of the snapshot's slot (market time in a replay). */
    valuedAtMs: epochMs,
    equityUsd: DecimalString,
    cashUsd: DecimalString,
    exposureUsd: DecimalString,
    unrealizedPnlUsd: DecimalString,
  })
  .strict();
export type PortfolioSection = z.infer<typeof PortfolioSection>;

/**
 * Today's P&L: the change of equity over the current UTC day, `equityUsd` of the latest
 * snapshot minus `baseEquityUsd`, the equity at the day's start: the last snapshot before
 * 00:00 UTC, or the day's first snapshot when there is none before. It holds realised P&L,
 * the change of unrealised P&L, fees, and any deposit or withdrawal of the day. Null when no
 * snapshot was taken today.
 */
export const TodayPnlSection = z
  .object({
    dayStartMs: epochMs,
    baseEquityUsd: DecimalString,
    baseAtMs: epochMs,
    equityUsd: DecimalString,
    pnlUsd: DecimalString,
  })
  .strict();
export type TodayPnlSection = z.infer<typeof TodayPnlSection>;

/** The working stop-loss order resting for a position, if any. */
export const StopOrder = z
  .object({
    clientOrderId: z.string(),
    /** `open`/`partially_filled`: the exchange holds it; `created`/`submitting`/`unknown`: not confirmed yet. */
    status: z.string(),
    triggerPrice: DecimalString.nullable(),
    quantity: DecimalString,
  })
  .strict();
export type StopOrder = z.infer<typeof StopOrder>;

export const PositionStop = z
  .object({
    /** The position's stop loss level; null when it has none. */
    stopLoss: DecimalString.nullable(),
    /** The trailing stop's level, null when none. */
    trailingStop: DecimalString.nullable(),
    takeProfit: DecimalString.nullable(),
    /** A stop-loss order of the position rests on the exchange (status `open` or `partially_filled`). */
    onExchange: z.boolean(),
    /** The newest working stop-loss order of the symbol; null when none. */
    order: StopOrder.nullable(),
  })
  .strict();
export type PositionStop = z.infer<typeof PositionStop>;

export const PositionStatus = z
  .object({
    /** What `trade close <id>` and `explain` name the position by. */
    id: z.number().int().positive(),
    symbol: z.string(),
    side: PositionSide,
    quantity: DecimalString,
    avgEntryPrice: DecimalString,
    leverage: z.number().min(1),
    /** The latest stored close of the symbol at the configured timeframe, the mark valuation uses; null when none is stored. */
    markPrice: DecimalString.nullable(),
    /** Open time of the bar whose close is the mark. */
    markAtMs: epochMs.nullable(),
    /** At the mark; null without one. */
    unrealizedPnlUsd: DecimalString.nullable(),
    realizedPnlUsd: DecimalString,
    openedAtMs: epochMs,
    stop: PositionStop,
  })
  .strict();
export type PositionStatus = z.infer<typeof PositionStatus>;

/** An order that is, or may be, working: `created`, `submitting`, `unknown`, `open`, `partially_filled`. */
export const OpenOrderStatus = z
  .object({
    clientOrderId: z.string(),
    exchangeOrderId: z.string().nullable(),
    symbol: z.string(),
    side: z.string(),
    type: z.string(),
    purpose: z.string(),
    status: z.string(),
    quantity: DecimalString,
    filledQuantity: DecimalString,
    limitPrice: DecimalString.nullable(),
    triggerPrice: DecimalString.nullable(),
    createdAtMs: epochMs,
  })
  .strict();
export type OpenOrderStatus = z.infer<typeof OpenOrderStatus>;

/** How the coordinator handled a signal, and the risk engine's verdict on its proposal. */
export const DecisionStatus = z
  .object({
    atMs: epochMs,
    /** `triplegain explain <signalId>` shows the whole chain. */
    signalId: z.string(),
    symbol: z.string(),
    /** BUY, SELL, HOLD or CLOSE. */
    action: z.string(),
    /** proposed, hold, stale, paused, halted, exits_only, wait, abort, nothing_to_close, nothing_to_sell. */
    outcome: z.string(),
    proposalId: z.string().nullable(),
    /** approved or denied; null when no proposal reached risk (yet). */
    risk: z.string().nullable(),
  })
  .strict();
export type DecisionStatus = z.infer<typeof DecisionStatus>;

/** What the database knows. */
export const DatabasePart = z
  .object({
    available: z.literal(true),
    /** `paper` or `kraken` (`execution.exchange`). */
    account: z.string(),
    /** Null before the first valuation. */
    portfolio: PortfolioSection.nullable(),
    today: TodayPnlSection.nullable(),
    positions: z.array(PositionStatus),
    openOrders: z.array(OpenOrderStatus),
    /** The last five, newest first. */
    decisions: z.array(DecisionStatus),
  })
  .strict();
export type DatabasePart = z.infer<typeof DatabasePart>;

export const StatusDocument = z
  .object({
    schemaVersion: z.literal(1),
    generatedAtMs: epochMs,
    /** False when a part is unavailable (the CLI then exits non-zero). */
    complete: z.boolean(),
    redis: z.discriminatedUnion('available', [RedisPart, UnavailablePart]),
    database: z.discriminatedUnion('available', [DatabasePart, UnavailablePart]),
  })
  .strict();
export type StatusDocument = z.infer<typeof StatusDocument>;
