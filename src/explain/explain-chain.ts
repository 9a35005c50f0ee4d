import { and, asc, desc, eq, lte, or } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { agentOutputs } from '../db/schema/agent-outputs.ts';
import { candles } from '../db/schema/candles.ts';
import { coordinatorDecisions, type CoordinatorDecisionRow } from '../db/schema/coordinator-decisions.ts';
import { llmCalls } from '../db/schema/llm-calls.ts';
import { orders, type OrderRow } from '../db/schema/orders.ts';
import { riskDecisions, type RiskDecisionRow } from '../db/schema/risk-decisions.ts';
import { tradingSignals, type TradingSignalRow } from '../db/schema/trading-signals.ts';
import { RiskState } from '../risk/risk-state.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { agentFigures } from './agent-figures.ts';
import { Explanation } from './explanation.ts';
import { findChainAnchor } from './find-chain-anchor.ts';
import { loadOrderTrail } from './load-order-trail.ts';

export interface ExplainOptions {
  /** Bars shown before the analysed one. Default 3. */
  previousBars?: number;
}

/**
 * Everything stored about one decision chain: the analysed bar and the bars before it, the
 * agents' outputs, the model calls, the signal with its votes, abstentions and reasons, the
 * coordinator's handling, the risk decision, every order of the proposal with its events and
 * fills, and the positions those fills built. `id` may be a signal id, a proposal id, a risk
 * decision id, a client order id or an exchange order id; each leads to the same chain.
 * Reads only.
 *
 * @throws TriplegainError `NOT_FOUND` when no stored row has that id; `DATA_INVALID` when a
 *   stored row no longer fits its schema (the message names the field).
 */
export async function explainChain(db: Db, id: string, opts: ExplainOptions = {}): Promise<Explanation> {
  const anchor = await findChainAnchor(db, id);
  const [signal, coordinator] = await Promise.all([
    anchor.signalId
      ? first(db.select().from(tradingSignals).where(eq(tradingSignals.signalId, anchor.signalId)))
      : null,
    loadCoordinatorDecision(db, anchor.signalId, anchor.proposalId),
  ]);
  const proposalId = anchor.proposalId ?? coordinator?.proposalId ?? null;
  const [risk, orderRows] = await Promise.all([
    proposalId ? first(db.select().from(riskDecisions).where(eq(riskDecisions.proposalId, proposalId))) : null,
    loadOrders(db, proposalId, anchor.clientOrderId),
  ]);
  const correlationId =
    signal?.correlationId ??
    coordinator?.correlationId ??
    risk?.correlationId ??
    orderRows.find((o) => o.correlationId !== null)?.correlationId ??
    null;

  const [bars, outputs, calls, trail] = await Promise.all([
    signal ? loadBars(db, signal, opts.previousBars ?? 3) : [],
    loadAgentOutputs(db, signal, correlationId),
    correlationId
      ? db
          .select()
          .from(llmCalls)
          .where(eq(llmCalls.correlationId, correlationId))
          .orderBy(asc(llmCalls.occurredAt), asc(llmCalls.id))
      : [],
    loadOrderTrail(db, orderRows),
  ]);

  const parsed = Explanation.safeParse({
    query: { id, matchedAs: anchor.matchedAs },
    signalId: anchor.signalId,
    proposalId,
    correlationId,
    candles: bars,
    agentOutputs: outputs,
    modelCalls: calls.map((c) => ({
      occurredAtMs: c.occurredAt.getTime(),
      provider: c.provider,
      model: c.model,
      purpose: c.purpose,
      outcome: c.outcome,
      attempt: c.attempt,
      inputTokens: c.inputTokens,
      outputTokens: c.outputTokens,
      costUsd: c.costUsd,
      latencyMs: c.latencyMs,
      error: c.error,
    })),
    signal: signal ? toSignal(signal) : null,
    coordinator: coordinator ? toCoordinator(coordinator) : null,
    risk: risk ? toRisk(risk) : null,
    orders: trail.orders,
    positions: trail.positions,
  });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(explanation)'}: ${i.message}`).join('; ');
    throw new TriplegainError('DATA_INVALID', `cannot explain ${id}: a stored row does not fit its schema: ${issues}`, {
      id,
      issues: parsed.error.issues,
    });
  }
  return parsed.data;
}

async function first<T>(rows: Promise<T[]>): Promise<T | null> {
  return (await rows)[0] ?? null;
}

/** The coordinator's handling of the signal or, without a signal id, of the proposal. */
async function loadCoordinatorDecision(
  db: Db,
  signalId: string | null,
  proposalId: string | null,
): Promise<CoordinatorDecisionRow | null> {
  if (signalId) return first(db.select().from(coordinatorDecisions).where(eq(coordinatorDecisions.signalId, signalId)));
  if (proposalId)
    return first(db.select().from(coordinatorDecisions).where(eq(coordinatorDecisions.proposalId, proposalId)));
  return null;
}

/** Every order of the proposal (entry, stop loss, take profit, exit) or, without one, the order asked about. */
async function loadOrders(db: Db, proposalId: string | null, clientOrderId: string | null): Promise<OrderRow[]> {
  const where = proposalId
    ? eq(orders.proposalId, proposalId)
    : clientOrderId
      ? eq(orders.clientOrderId, clientOrderId)
      : null;
  if (!where) return [];
  return db.select().from(orders).where(where).orderBy(asc(orders.createdAt), asc(orders.clientOrderId));
}

/** The analysed bar and up to `previousBars` stored bars before it, oldest first. */
async function loadBars(db: Db, signal: TradingSignalRow, previousBars: number) {
  const rows = await db
    .select()
    .from(candles)
    .where(
      and(
        eq(candles.symbol, signal.symbol),
        eq(candles.timeframe, signal.timeframe),
        lte(candles.openTime, signal.candleOpenTime),
      ),
    )
    .orderBy(desc(candles.openTime))
    .limit(previousBars + 1);
  return rows.reverse().map((c) => ({
    openTimeMs: c.openTime.getTime(),
    open: c.open,
    high: c.high,
    low: c.low,
    close: c.close,
    volume: c.volume,
    trades: c.trades,
    gapFilled: c.gapFilled,
    analysed: c.openTime.getTime() === signal.candleOpenTime.getTime(),
  }));
}

/** The outputs of the decision flow (its correlation id) and of the signal's bar, oldest first. */
async function loadAgentOutputs(db: Db, signal: TradingSignalRow | null, correlationId: string | null) {
  const ofFlow = correlationId ? eq(agentOutputs.correlationId, correlationId) : undefined;
  const ofBar = signal
    ? and(
        eq(agentOutputs.symbol, signal.symbol),
        eq(agentOutputs.timeframe, signal.timeframe),
        eq(agentOutputs.candleOpenTime, signal.candleOpenTime),
      )
    : undefined;
  if (!ofFlow && !ofBar) return [];
  const rows = await db
    .select()
    .from(agentOutputs)
    .where(or(ofFlow, ofBar))
    .orderBy(asc(agentOutputs.createdAt), asc(agentOutputs.id));
  return rows.map((r) => ({
    agent: r.agent,
    timeframe: r.timeframe,
    candleOpenTimeMs: r.candleOpenTime.getTime(),
    correlationId: r.correlationId,
    createdAtMs: r.createdAt.getTime(),
    figures: agentFigures(r.agent, r.output),
    output: r.output,
  }));
}

function toSignal(s: TradingSignalRow) {
  return {
    signalId: s.signalId,
    symbol: s.symbol,
    timeframe: s.timeframe,
    candleOpenTimeMs: s.candleOpenTime.getTime(),
    action: s.action,
    confidence: s.confidence,
    agreement: s.agreement,
    entryPrice: s.entryPrice,
    stopLoss: s.stopLoss,
    takeProfit: s.takeProfit,
    sizePct: s.sizePct,
    leverage: s.leverage,
    votes: s.votes,
    abstentions: s.abstentions,
    reasons: s.reasons,
    withSentiment: s.withSentiment,
    degradationLevel: s.degradationLevel,
    correlationId: s.correlationId,
    createdAtMs: s.createdAt.getTime(),
    publishedAtMs: s.publishedAt?.getTime() ?? null,
  };
}

function toCoordinator(c: CoordinatorDecisionRow) {
  return {
    signalId: c.signalId,
    outcome: c.outcome,
    conflicts: c.conflicts,
    consensus: c.consensus,
    resolution: c.resolution,
    proposalId: c.proposalId,
    proposal: c.proposal,
    coordinatorState: c.coordinatorState,
    degradationLevel: c.degradationLevel,
    createdAtMs: c.createdAt.getTime(),
  };
}

function toRisk(r: RiskDecisionRow) {
  const state = RiskState.safeParse(r.riskState);
  return {
    decisionId: r.decisionId,
    proposalId: r.proposalId,
    decision: r.decision,
    proposal: r.proposal,
    notionalUsd: r.notionalUsd,
    quantity: r.quantity,
    adjustments: r.adjustments,
    reasons: r.reasons,
    riskStateAfter: state.success ? state.data : null,
    createdAtMs: r.createdAt.getTime(),
  };
}
