import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { coordinatorDecisions } from '../db/schema/coordinator-decisions.ts';
import { orders } from '../db/schema/orders.ts';
import { riskDecisions } from '../db/schema/risk-decisions.ts';
import { tradingSignals } from '../db/schema/trading-signals.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { ACCEPTED_IDS } from './accepted-ids.ts';
import type { ExplainIdKind } from './explanation.ts';

/** Where a chain is entered: the signal and proposal it belongs to, as far as they are known. */
export interface ChainAnchor {
  matchedAs: ExplainIdKind;
  /** Null for an order no signal led to (adopted, operator flatten). */
  signalId: string | null;
  proposalId: string | null;
  /** The order asked about, when the id was an order's. */
  clientOrderId: string | null;
}

/**
 * Recognises `id` as a signal id, proposal id, risk decision id, client order id or exchange
 * order id (tried in that order; ids of different kinds never look alike in practice) and
 * follows the links back to the signal: order → proposal → risk decision or coordinator
 * decision → signal.
 *
 * @throws TriplegainError `NOT_FOUND` when no stored row has that id, naming the kinds accepted.
 */
export async function findChainAnchor(db: Db, id: string): Promise<ChainAnchor> {
  const [signal, proposed, riskOfProposal, decided, byClientId, byExchangeId] = await Promise.all([
    db.select({ signalId: tradingSignals.signalId }).from(tradingSignals).where(eq(tradingSignals.signalId, id)),
    db
      .select({ signalId: coordinatorDecisions.signalId })
      .from(coordinatorDecisions)
      .where(eq(coordinatorDecisions.proposalId, id)),
    // A proposal the coordinator did not store (not expected, but risk names it) is found through its decision.
    db.select({ signalId: riskDecisions.signalId }).from(riskDecisions).where(eq(riskDecisions.proposalId, id)),
    db
      .select({ signalId: riskDecisions.signalId, proposalId: riskDecisions.proposalId })
      .from(riskDecisions)
      .where(eq(riskDecisions.decisionId, id)),
    db
      .select({ clientOrderId: orders.clientOrderId, proposalId: orders.proposalId })
      .from(orders)
      .where(eq(orders.clientOrderId, id)),
    // Unique per exchange; the same id on both exchanges is not expected, the oldest wins.
    db
      .select({ clientOrderId: orders.clientOrderId, proposalId: orders.proposalId })
      .from(orders)
      .where(eq(orders.exchangeOrderId, id))
      .orderBy(asc(orders.createdAt))
      .limit(1),
  ]);

  if (signal[0]) return { matchedAs: 'signal_id', signalId: signal[0].signalId, proposalId: null, clientOrderId: null };
  const proposal = proposed[0] ?? riskOfProposal[0];
  if (proposal) return { matchedAs: 'proposal_id', signalId: proposal.signalId, proposalId: id, clientOrderId: null };
  if (decided[0])
    return {
      matchedAs: 'risk_decision_id',
      signalId: decided[0].signalId,
      proposalId: decided[0].proposalId,
      clientOrderId: null,
    };

  const order = byClientId[0]
    ? { ...byClientId[0], matchedAs: 'client_order_id' as const }
    : byExchangeId[0]
      ? { ...byExchangeId[0], matchedAs: 'exchange_order_id' as const }
      : null;
  if (order)
    return {
      matchedAs: order.matchedAs,
      signalId: order.proposalId ? await signalOfProposal(db, order.proposalId) : null,
      proposalId: order.proposalId,
      clientOrderId: order.clientOrderId,
    };

  throw new TriplegainError('NOT_FOUND', `nothing to explain for "${id}": expected ${ACCEPTED_IDS}`, { id });
}

async function signalOfProposal(db: Db, proposalId: string): Promise<string | null> {
  const [decided] = await db
    .select({ signalId: riskDecisions.signalId })
    .from(riskDecisions)
    .where(eq(riskDecisions.proposalId, proposalId));
  if (decided) return decided.signalId;
  const [coordinated] = await db
    .select({ signalId: coordinatorDecisions.signalId })
    .from(coordinatorDecisions)
    .where(eq(coordinatorDecisions.proposalId, proposalId));
  return coordinated?.signalId ?? null;
}
