import { z } from 'zod';
import { RiskVerdict } from '../model/risk-verdict.ts';
import { TradeAction } from '../bus/messages/trading-signal-emitted.ts';
import { PortfolioTickResult } from '../portfolio/portfolio-tick-result.ts';
import { RebalanceLegData, RebalanceLegResult } from '../portfolio/rebalance-leg-job.ts';
import { OrderProposal } from '../risk/order-proposal.ts';
import { catalogQueueNames, type CatalogQueueName } from './catalog-queue-names.ts';
import { defineQueue } from './define-queue.ts';
import { TaskRunData, TickData, TickResult } from './task-run-data.ts';

/** The tick of a task's job scheduler: fans out one exclusive run per symbol. */
const tick = { description: 'scheduler tick: one run per configured symbol', data: TickData, result: TickResult };

export const MarketDataRunResult = z
  .object({
    /** Bars stored by this run (already stored ones are not counted). */
    stored: z.number().int().nonnegative(),
    /** `market.candle_closed` messages published. */
    published: z.number().int().nonnegative(),
    /** Open time of the newest stored bar after the run; null when there is none yet. */
    lastOpenTimeMs: z.number().int().nonnegative().nullable(),
  })
  .strict();
export type MarketDataRunResult = z.infer<typeof MarketDataRunResult>;

/** The parent job of a decision flow; its children are the runs of the agents (`agentRegistry`). */
export const DecideData = z
  .object({
    symbol: TaskRunData.shape.symbol,
    tickId: z.string().min(1),
    correlationId: z.string().min(1),
  })
  .strict();
export type DecideData = z.infer<typeof DecideData>;

export const DecideResult = z
  .object({
    signalId: z.string().min(1),
    action: TradeAction,
    confidence: z.number().min(0).max(1),
    /** The bar the TA child analysed. */
    candleOpenTimeMs: z.number().int().nonnegative(),
    votes: z.number().int().nonnegative(),
    abstentions: z.number().int().nonnegative(),
    /** Whether a sentiment score went into the decision. */
    withSentiment: z.boolean(),
    /** False when this signal had been stored before (a retried decision). */
    inserted: z.boolean(),
  })
  .strict();
export type DecideResult = z.infer<typeof DecideResult>;

const runOf = <R extends z.ZodType>(description: string, result: R) => ({ description, data: TaskRunData, result });

/** Fetches (live) or plays (replay) closed candles, stores them, publishes `market.candle_closed`. */
export const marketDataQueue = defineQueue({
  name: 'market-data',
  concurrency: 4,
  description: 'candles of every pair: Kraken OHLC (live) or recorded files (replay)',
  jobs: { tick, run: runOf('store and publish the new closed candles of one pair', MarketDataRunResult) },
  attempts: 3,
  backoffMs: 2_000,
  keep: { completed: 1_000, failed: 5_000 },
  timeoutMs: (config) => config.schedules.marketData.timeoutMs,
});

export const decisionQueue = defineQueue({
  name: 'decision',
  concurrency: 4,
  description: 'trading decision flows: TA, regime (and sentiment) first, then the model panel',
  jobs: {
    tick: {
      description: 'scheduler tick: one decision flow per configured symbol',
      data: TickData,
      result: TickResult,
    },
    decide: {
      description: "the panel's decision from the flow's children, stored and published",
      data: DecideData,
      result: DecideResult,
    },
  },
  attempts: 2,
  backoffMs: 5_000,
  keep: { completed: 1_000, failed: 5_000 },
  timeoutMs: (config) => config.schedules.decision.timeoutMs,
});

/**
 * The portfolio task: the hourly tick values the account (stored, `portfolio.valued`) and,
 * when the allocation drifted, adds the rebalance as one flow per batch: a `buys` parent whose
 * one child is the batch's `sells`, so a batch's buys start only after its sells have settled.
 * See `portfolioHandlers`.
 */
export const portfolioQueue = defineQueue({
  name: 'portfolio',
  concurrency: 2,
  description: 'account valuation and rebalancing: batches of sells, then buys, each trade through risk and execution',
  jobs: {
    tick: {
      description: 'scheduler tick: value the account, publish it, plan and add the rebalance batches',
      data: TickData,
      result: PortfolioTickResult,
    },
    sells: {
      description: "one batch's sells: proposed to risk, then waited for until every one has settled",
      data: RebalanceLegData,
      result: RebalanceLegResult,
    },
    buys: {
      description: "one batch's buys, after its sells: proposed to risk, then waited for until settled",
      data: RebalanceLegData,
      result: RebalanceLegResult,
    },
  },
  // A leg keeps what it proposed in its data: a retry waits for those proposals, it never proposes twice.
  attempts: 3,
  backoffMs: 5_000,
  keep: { completed: 1_000, failed: 5_000 },
  timeoutMs: (config) => config.schedules.portfolio.timeoutMs,
});

/** A risk job: one proposal from the coordinator. Its job id is derived from the proposal. */
export const EvaluateRiskData = z.object({ proposal: OrderProposal }).strict();
export type EvaluateRiskData = z.infer<typeof EvaluateRiskData>;

export const EvaluateRiskResult = z
  .object({
    decision: RiskVerdict,
    decisionId: z.string().min(1),
    /** False when the proposal had been decided before (a redelivered or retried job). */
    inserted: z.boolean(),
    /** The execution job added for an approval. */
    executionJobId: z.string().min(1).nullable(),
  })
  .strict();
export type EvaluateRiskResult = z.infer<typeof EvaluateRiskResult>;

/** An execution job: submit the order an approval names. */
export const SubmitOrderData = z.object({ decisionId: z.string().min(1), proposalId: z.string().min(1) }).strict();
export type SubmitOrderData = z.infer<typeof SubmitOrderData>;

export const SubmitOrderResult = z
  .object({
    /**
     * submitted: the exchange acknowledged it; rejected: the exchange refused it; unknown: no
     * answer (timeout, 5xx): reconciliation finds it by client id; refused: the trading state
     * refused it; already: a previous delivery of this job had sent it (nothing sent now).
     */
    status: z.enum(['submitted', 'rejected', 'unknown', 'refused', 'already']),
    clientOrderId: z.string().min(1),
    exchangeOrderId: z.string().min(1).nullable(),
    /** The order's status in `orders` afterwards. */
    orderStatus: z.string().min(1),
  })
  .strict();
export type SubmitOrderResult = z.infer<typeof SubmitOrderResult>;

/**
 * An operator's cancel of one working order (`triplegain trade cancel`, `POST
 * /control/trade/cancel`): by its client order id or its exchange order id.
 */
export const CancelOrderData = z
  .object({
    order: z.string().min(1).max(100),
    /** `cli:<user>`, `http`: recorded with the cancel. */
    requestedBy: z.string().min(1).max(200),
  })
  .strict();
export type CancelOrderData = z.infer<typeof CancelOrderData>;

export const CancelOrderResult = z
  .object({
    /**
     * canceled: the exchange no longer works it; filled: it filled before the cancel landed;
     * not_working: it was not working (its status says why: filled, canceled, not yet
     * acknowledged…); refused: it may not be canceled (a position's protective stop);
     * not_found: no order has that id.
     */
    status: z.enum(['canceled', 'filled', 'not_working', 'refused', 'not_found']),
    clientOrderId: z.string().min(1).nullable(),
    exchangeOrderId: z.string().min(1).nullable(),
    /** The order's status in `orders` afterwards; null when not found. */
    orderStatus: z.string().min(1).nullable(),
    /** One sentence for a person. */
    message: z.string().min(1),
  })
  .strict();
export type CancelOrderResult = z.infer<typeof CancelOrderResult>;

/** Every proposal is checked against the risk rules; an approval adds the execution job. */
export const riskQueue = defineQueue({
  name: 'risk',
  concurrency: 4,
  description: 'risk decisions: one per proposal, stored with the risk state, then approval → execution',
  jobs: {
    evaluate: {
      description: 'approve (possibly smaller) or deny one proposal',
      data: EvaluateRiskData,
      result: EvaluateRiskResult,
    },
  },
  // A risk job that cannot read its state denies rather than guesses; retries are for the database coming back.
  attempts: 3,
  backoffMs: 500,
  keep: { completed: 5_000, failed: 10_000 },
  timeoutMs: () => 10_000,
});

/** Approved orders to the exchange, each re-checked against the trading state just before it leaves. */
export const executionQueue = defineQueue({
  name: 'execution',
  concurrency: 2,
  description: 'order submissions: only with a stored approval, only when the trading state allows',
  jobs: {
    submit: { description: 'submit the order an approval names', data: SubmitOrderData, result: SubmitOrderResult },
    cancel: {
      description: "cancel one working order at an operator's request",
      data: CancelOrderData,
      result: CancelOrderResult,
    },
  },
  // A transient failure (the database, Redis) is retried: the order row is written first and
  // claimed before the one exchange call, so a retry finds it and never sends it twice; an
  // order whose outcome is unknown is never resubmitted (reconciliation decides).
  attempts: 5,
  backoffMs: 1_000,
  keep: { completed: 5_000, failed: 10_000 },
  timeoutMs: (config) => config.execution.kraken.timeoutMs + 5_000,
});

/** A reconciliation pass: our orders against the exchange. */
/** `follow-up`: a pass added for the moment an order in flight can be judged (`ReconcileReport.decidableInMs`). */
export const ReconcileData = z
  .object({ reason: z.enum(['schedule', 'manual', 'follow-up']).default('schedule') })
  .strict();
export const ReconcileResult = z
  .object({
    checked: z.number().int().nonnegative(),
    synced: z.array(z.string()),
    notFound: z.array(z.string()),
    adopted: z.array(z.string()),
    failed: z.array(z.object({ clientOrderId: z.string(), error: z.string() }).strict()),
    decidableInMs: z.number().nullable(),
    /** Approvals with no order and no execution job to come, recorded denied (`recordOrphanedApprovals`). */
    orphaned: z.array(z.object({ decisionId: z.string(), clientOrderId: z.string(), jobState: z.string() }).strict()),
  })
  .strict();

/** Periodic reconciliation with the exchange (`execution.kraken.reconcileIntervalMs`, 15 s by default). */
export const reconcileQueue = defineQueue({
  name: 'reconcile',
  concurrency: 1,
  description:
    'orders in flight found by client id, working orders brought to the exchange state, unknown open orders adopted',
  jobs: { run: { description: 'one reconciliation pass', data: ReconcileData, result: ReconcileResult } },
  // The next pass comes soon enough; a failed one is reported, not retried.
  attempts: 1,
  backoffMs: 0,
  keep: { completed: 100, failed: 1_000 },
  timeoutMs: () => 60_000,
});

export { catalogQueueNames, type CatalogQueueName };
