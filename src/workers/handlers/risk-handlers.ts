import { executionJobIdOf } from '../../queues/execution-job-id.ts';
import type { Queue } from 'bullmq';
import { Decimal } from '../../model/decimal.ts';
import type { ControlPlane } from '../../control/control-plane.ts';
import { databaseNow } from '../../db/database-now.ts';
import type { Db } from '../../db/open-database.ts';
import { latestClose } from '../../portfolio/latest-prices.ts';
import { heldPositionOf, type HeldPosition } from '../../positions/held-position.ts';
import { entriesOfPosition } from '../../positions/entries-of-position.ts';
import { exitClaimOf } from '../../reservations/exit-claim.ts';
import { heldCashUsd } from '../../reservations/held-cash.ts';
import { pendingExitsOf } from '../../reservations/pending-exits.ts';
import { reservationOfApproval } from '../../reservations/reservation-of-approval.ts';
import { reserveForApproval } from '../../reservations/reserve-for-approval.ts';
import { recordBreakerTrip } from '../../metrics/record-breaker-trip.ts';
import { jobOptionsOf, type JobContext, type JobHandlers } from '../../queues/define-queue.ts';
import {
  executionQueue,
  type EvaluateRiskData,
  type EvaluateRiskResult,
  type riskQueue,
} from '../../queues/queue-catalog.ts';
import type { BreakerTrip } from '../../risk/breaker-trip.ts';
import { evaluateBreakers } from '../../risk/evaluate-breakers.ts';
import { atAllowedLeverage } from '../../risk/at-allowed-leverage.ts';
import { evaluateRisk } from '../../risk/evaluate-risk.ts';
import type { OrderProposal } from '../../risk/order-proposal.ts';
import type { PortfolioReader } from '../../risk/portfolio-reader.ts';
import type { OpenPosition, RiskContext } from '../../risk/risk-context.ts';
import type { RiskApproval, RiskDecision, RiskDenial } from '../../risk/risk-decision.ts';
import { resetRiskState } from '../../risk/reset-risk-state.ts';
import { initialRiskState, RiskState } from '../../risk/risk-state.ts';
import { loadRiskStateRow, withLockedRiskState } from '../../risk/risk-state-store.ts';
import { riskDecisionOfProposal } from '../../risk/risk-decision-of-proposal.ts';
import { storeRiskDecision, type NewRiskDecisionRow } from '../../risk/store-risk-decision.ts';
import { describeError } from '../../shared/triplegain-error.ts';
import type { TaskDeps } from '../task-deps.ts';

/**
 * Wall time the account reads of one decision may take, an exchange's rate limit included:
 * well inside the risk job's own 10 s, so that an account whose API counter is busy gets a
 * denial with its reason rather than a timed-out job retried into the same queue.
 */
const ACCOUNT_READ_MS = 6_000;

export interface RiskDeps
  extends Pick<TaskDeps, 'config' | 'db' | 'bus' | 'redis' | 'keys' | 'clock' | 'logger' | 'instruments'> {
  control: Pick<ControlPlane, 'current' | 'known' | 'apply'>;
  portfolio: PortfolioReader;
  /** The execution queue, where approvals go. */
  executionQueue: Queue;
}

/**
 * The risk task: one decision per proposal, whoever added it (the coordinator, a rebalance, a
 * job added by hand): the order is sized at the latest market price, never at the proposal's.
 * The database's clock is read before the balances (`balancesReadAt`). Then, in one
 * transaction with the account's risk state locked (replicas deciding at once take turns):
 * apply a pending operator `reset`, check the circuit breakers against current equity, read
 * what approvals decided before still hold (the symbol's open position with the exits in
 * flight and its exit claim; the cash held by spot buys, taken off the free cash), run every
 * rule (`evaluateRisk`), store the decision, the approval's reservation and the new state.
 * Two approvals can so never spend the same cash or exit the same quantity. Then mirror the
 * state to Redis, publish breaker trips (urgent, `risk_alerts`) and carry out a halt, publish
 * the decision, and for an approval add the execution job. A proposal decided before (a
 * retried job) is answered from the stored decision. When the risk state cannot be read, the
 * proposal is denied: nothing is approved on a guess.
 */
export function riskHandlers(deps: RiskDeps): JobHandlers<typeof riskQueue> {
  return { evaluate: (data, ctx) => evaluate(deps, data, ctx) };
}

async function evaluate(deps: RiskDeps, data: EvaluateRiskData, ctx: JobContext): Promise<EvaluateRiskResult> {
  const instrument = deps.instruments.find(data.proposal.symbol);
  // At the leverage it will be sent with: the cash it reserves is sized by the same snap.
  const proposal = atAllowedLeverage(data.proposal, instrument);
  const stored = await riskDecisionOfProposal(deps.db, proposal.proposalId);
  if (stored) {
    await reassertHalt(deps);
    const executionJobId =
      stored.decision === 'approved' ? await addExecution(deps, stored.decisionId, proposal.proposalId) : null;
    return {
      decision: stored.decision === 'approved' ? 'approved' : 'denied',
      decisionId: stored.decisionId,
      inserted: false,
      executionJobId,
    };
  }

  const nowMs = deps.clock.now();
  const account = deps.config.execution.exchange;
  let outcome: { state: RiskState; result: { decision: RiskDecision; trips: BreakerTrip[] } };
  try {
    // Before the balances (which may come from a read begun up to `balancesMaxAgeMs` earlier,
    // shared with other decisions): a spot buy whose reservation is released after this
    // instant may have spent cash the balances do not show yet, so it still counts (`heldCashUsd`).
    const balancesReadAt = new Date((await databaseNow(deps.db)).getTime() - (deps.portfolio.balancesMaxAgeMs ?? 0));
    const reads = AbortSignal.any([ctx.signal, AbortSignal.timeout(ACCOUNT_READ_MS)]);
    const [control, equityUsd, openPositions, freeCashUsd, marketPrice] = await Promise.all([
      deps.control.known(),
      deps.portfolio.equityUsd(reads),
      deps.portfolio.openPositions(reads),
      deps.portfolio.freeCashUsd(reads),
      latestPrice(deps, proposal),
    ]);
    outcome = await withLockedRiskState(
      deps.db,
      account,
      () => initialRiskState(equityUsd, nowMs),
      async (current, tx) => {
        let state = current.state;
        if (control.resets > current.resetsApplied) state = resetRiskState(state, equityUsd, nowMs);
        const breakers = evaluateBreakers(state, equityUsd, deps.config.risk.breakers, nowMs);
        state = breakers.state;
        // Read after the lock: what an approval committed a moment ago by another replica holds is seen.
        const held = await heldPositionOf(tx, account, proposal.symbol);
        const position = held && held.quantity.gt(0) ? await positionForRisk(tx, held, marketPrice) : undefined;
        const context: RiskContext = {
          equityUsd,
          marketPrice,
          openPositions: [
            ...openPositions.filter((p) => p.symbol !== proposal.symbol),
            ...(position ? [position] : []),
          ],
          symbolEntries: await entriesOfPosition(tx, {
            account,
            symbol: proposal.symbol,
            positionId: position ? held!.id : null,
          }),
          freeCashUsd: new Decimal(freeCashUsd).minus(await heldCashUsd(tx, account, balancesReadAt)).toFixed(),
          instrument,
          margin: deps.config.execution.margin,
          state,
          clusterState: control.state,
          nowMs,
        };
        let decision = evaluateRisk(proposal, context, deps.config.risk);
        if (decision.decision === 'approved') {
          const reservation = reservationOfApproval({
            decisionId: decisionIdOf(decision),
            proposal,
            approval: decision,
            account,
            positionId: held?.id ?? null,
            cashReservePct: deps.config.risk.cashReservePct,
          });
          // The claim was checked above under the lock; the unique index still has the last word.
          if (reservation && !(await reserveForApproval(tx, reservation))) decision = exitClaimed(decision);
        }
        await storeRiskDecision(tx, toRow(proposal, decision, state));
        return { state, resetsApplied: control.resets, result: { decision, trips: breakers.trips } };
      },
    );
  } catch (err) {
    return denyUnread(deps, proposal, err, ctx);
  }

  const { decision, trips } = outcome.result;
  const decisionId = decisionIdOf(decision);
  await deps.redis.set(deps.keys.riskStateMirror, JSON.stringify({ account, ...outcome.state }));
  for (const trip of trips) await announceTrip(deps, trip);
  if (decision.decision === 'approved') {
    await deps.bus.publish(
      'risk.order_approved',
      {
        decisionId,
        proposalId: proposal.proposalId,
        signalId: proposal.signalId,
        side: proposal.side,
        intent: proposal.intent,
        notionalUsd: decision.notionalUsd,
        quantity: decision.quantity,
        adjustments: decision.adjustments,
      },
      { symbol: proposal.symbol, source: 'risk', correlationId: proposal.correlationId },
    );
    return {
      decision: 'approved',
      decisionId,
      inserted: true,
      executionJobId: await addExecution(deps, decisionId, proposal.proposalId),
    };
  }
  await deps.bus.publish(
    'risk.order_denied',
    {
      decisionId,
      proposalId: proposal.proposalId,
      signalId: proposal.signalId,
      side: proposal.side,
      intent: proposal.intent,
      reasons: decision.reasons.map((r) => ({ rule: r.rule, message: r.message })),
    },
    { symbol: proposal.symbol, source: 'risk', correlationId: proposal.correlationId },
  );
  return { decision: 'denied', decisionId, inserted: true, executionJobId: null };
}

function decisionIdOf(decision: RiskDecision): string {
  return `${decision.decision === 'approved' ? 'appr' : 'deny'}-${decision.proposalId}`;
}

function toRow(proposal: OrderProposal, decision: RiskDecision, state: RiskState): NewRiskDecisionRow {
  const approved = decision.decision === 'approved';
  return {
    decisionId: decisionIdOf(decision),
    proposalId: proposal.proposalId,
    signalId: proposal.signalId,
    correlationId: proposal.correlationId,
    symbol: proposal.symbol,
    decision: decision.decision,
    proposal,
    notionalUsd: approved ? decision.notionalUsd : null,
    quantity: approved ? decision.quantity : null,
    // On a denial too: a cap that shrank the order below a minimum is why it was denied.
    adjustments: decision.adjustments,
    reasons: approved ? [] : decision.reasons,
    riskState: state,
  };
}

/**
 * The latest stored close of the proposal's pair: every order is sized at it. Without one, an
 * exit of a position is measured at its own price (a protective exit must not wait for market
 * data; it is sized by the position, never past it); anything else (an entry, a rebalance's
 * trade, sized by notional) gets '0', which is denied.
 */
async function latestPrice(deps: RiskDeps, proposal: OrderProposal): Promise<string> {
  const exitsPosition = proposal.intent === 'exit' && proposal.purpose !== 'rebalance';
  return (
    (await latestClose(deps.db, proposal.symbol, deps.config.marketData.timeframe)) ??
    (exitsPosition ? proposal.entryPrice : '0')
  );
}

/**
 * The risk engine's view of the symbol's open position, read in the locked transaction: what
 * is held (fills recorded but not yet taken in counted), valued at the market price, with the
 * exits already in flight and whether an approved exit holds its claim.
 */
async function positionForRisk(tx: Db, held: HeldPosition, marketPrice: string): Promise<OpenPosition> {
  // One after the other: one connection runs one query at a time.
  const pending = await pendingExitsOf(tx, { id: held.id, account: held.account, symbol: held.position.symbol });
  const claim = await exitClaimOf(tx, held.id);
  const price = Decimal.max(0, marketPrice);
  return {
    symbol: held.position.symbol,
    side: held.position.side,
    notionalUsd: held.quantity.times(price).toFixed(),
    leverage: held.position.leverage,
    quantity: held.quantity.toFixed(),
    pendingExitQuantity: pending.quantity.toFixed(),
    exitInFlight: claim !== null,
  };
}

/** An approved exit whose position's claim another exit took at the same moment: denied instead. */
function exitClaimed(approval: RiskApproval): RiskDenial {
  return {
    decision: 'denied',
    proposalId: approval.proposalId,
    requestedNotionalUsd: approval.requestedNotionalUsd,
    reasons: [
      {
        rule: 'exit_in_flight',
        message: 'another exit of the position was approved at the same moment: one exit at a time',
      },
    ],
    adjustments: approval.adjustments,
  };
}

async function addExecution(deps: RiskDeps, decisionId: string, proposalId: string): Promise<string> {
  const jobId = executionJobIdOf(proposalId);
  await deps.executionQueue.add('submit', { decisionId, proposalId }, { jobId, ...jobOptionsOf(executionQueue) });
  return jobId;
}

/** Publishes a breaker trip (urgent) and carries out a halt cluster-wide. */
async function announceTrip(deps: RiskDeps, trip: BreakerTrip): Promise<void> {
  await deps.bus.publish(
    'risk.breaker_tripped',
    { breaker: trip.breaker, action: trip.action, lossPct: trip.lossPct, thresholdPct: trip.thresholdPct },
    { priority: 'urgent', source: 'risk' },
  );
  deps.logger.error({ ...trip }, 'risk circuit breaker tripped');
  // Not awaited: the halt below must not wait on a metric.
  void recordBreakerTrip(deps.redis, deps.keys, trip.breaker);
  if (trip.action === 'halt' || trip.action === 'halt_and_close') {
    // The halt is in force once applied (the submission fence obeys it at once); waiting for the
    // submissions already under way (up to the execution timeout) would outlast this job's own
    // 10 s timeout and fail the decision, so the risk job does not wait for them.
    await deps.control.apply('halt', {
      requestedBy: `breaker:${trip.breaker}`,
      reason: `${trip.breaker} loss ${trip.lossPct} % ≥ ${trip.thresholdPct} %`,
      flatten: trip.action === 'halt_and_close',
      drainTimeoutMs: 0,
    });
  }
}

/** The risk state could not be read or written: deny, say why, approve nothing. */
async function denyUnread(
  deps: RiskDeps,
  proposal: OrderProposal,
  err: unknown,
  ctx: JobContext,
): Promise<EvaluateRiskResult> {
  const decisionId = `deny-${proposal.proposalId}`;
  const message = `risk state unavailable, denied rather than guessed: ${describeError(err)}`;
  ctx.logger.error(
    { proposalId: proposal.proposalId, err: describeError(err) },
    'risk state unavailable: proposal denied',
  );
  await deps.bus
    .publish(
      'risk.order_denied',
      {
        decisionId,
        proposalId: proposal.proposalId,
        signalId: proposal.signalId,
        side: proposal.side,
        intent: proposal.intent,
        reasons: [{ rule: 'risk_state', message }],
      },
      { symbol: proposal.symbol, source: 'risk', correlationId: proposal.correlationId },
    )
    .catch((publishErr: unknown) => ctx.logger.error({ err: describeError(publishErr) }, 'denial not announced'));
  return { decision: 'denied', decisionId, inserted: false, executionJobId: null };
}

/**
 * A retried job after a crash between storing a halting decision and halting the cluster: the
 * stored risk state says HALTED, no operator reset came since, yet the cluster is not halted.
 * The halt is applied now, so that it is never lost.
 */
async function reassertHalt(deps: RiskDeps): Promise<void> {
  const row = await loadRiskStateRow(deps.db, deps.config.execution.exchange);
  if (!row) return;
  const state = RiskState.safeParse(row.state);
  if (!state.success || state.data.tradingState !== 'HALTED') return;
  const control = await deps.control.current();
  if (control.state === 'HALTED' || control.resets > row.resetsApplied) return;
  await deps.control.apply('halt', {
    requestedBy: 'breaker:recovered',
    reason: 'the risk state is HALTED but the cluster was not',
    drainTimeoutMs: 0,
  });
}
