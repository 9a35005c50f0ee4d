import type { RegimeDetected } from '../agents/regime/contract/regime-detected.ts';
import { Decimal } from '../model/decimal.ts';
import { OrderProposal } from '../risk/order-proposal.ts';
import type { OpenPosition } from '../risk/risk-context.ts';
import type { Resolution } from './resolution.ts';
import type { SignalUnderReview } from './signal-under-review.ts';
import type { z } from 'zod';

/** The proposal id of a signal: derived, so a redelivered signal proposes the same order. */
export function proposalIdOf(signalId: string): string {
  return `prop-${signalId}`;
}

export interface ProposalInput {
  signal: SignalUnderReview;
  correlationId: string;
  /** Confidence after consensus. */
  confidence: number;
  /** A `modify` resolution's bounded changes; `proceed` or none leaves the signal as it is. */
  resolution?: Resolution;
  /** The fresh regime of the symbol, if any. */
  regime: z.infer<typeof RegimeDetected.payload>['regime'] | null;
  /** The symbol's current price: the reference of a signal without an entry price (CLOSE). */
  marketPrice: string;
  /** For a CLOSE: the position it closes, and the equity its size is measured against. */
  position?: OpenPosition;
  equityUsd?: string;
  nowMs: number;
}

/**
 * The order a signal asks for. BUY and SELL are entries (SELL opens or adds to a short); CLOSE
 * is an exit on the opposite side of the position it closes, for its whole size: the position's
 * notional as a margin share of equity at the position's leverage (at most 100).
 */
export function buildProposal(input: ProposalInput): OrderProposal {
  const { signal, resolution } = input;
  const modify = resolution?.action === 'modify' ? resolution : undefined;
  const exit = signal.action === 'CLOSE';
  return OrderProposal.parse({
    proposalId: proposalIdOf(signal.signalId),
    signalId: signal.signalId,
    correlationId: input.correlationId,
    symbol: signal.symbol,
    side: exit ? (input.position?.side === 'short' ? 'buy' : 'sell') : signal.action === 'BUY' ? 'buy' : 'sell',
    intent: exit ? 'exit' : 'entry',
    entryPrice: modify?.entryPrice ?? signal.entryPrice ?? input.marketPrice,
    stopLoss: exit ? null : signal.stopLoss,
    takeProfit: exit ? null : signal.takeProfit,
    sizePct: modify?.sizePct ?? (exit ? closeSizePct(input) : signal.sizePct),
    leverage: modify?.leverage ?? (exit ? (input.position?.leverage ?? 1) : signal.leverage),
    confidence: input.confidence,
    regime: input.regime,
    createdAtMs: input.nowMs,
  });
}

function closeSizePct(input: ProposalInput): number {
  const { position, equityUsd } = input;
  if (!position || equityUsd === undefined || !new Decimal(equityUsd).gt(0)) return 0;
  const pct = new Decimal(position.notionalUsd).div(new Decimal(equityUsd).times(position.leverage)).times(100);
  return Decimal.min(100, pct).toDecimalPlaces(4, Decimal.ROUND_UP).toNumber();
}
