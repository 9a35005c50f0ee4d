import { Decimal } from '../model/decimal.ts';
import type { MarketRegime } from '../model/market-regime.ts';
import { roundPrice, roundStopPrice } from '../market/instrument-rules.ts';
import type { Instrument } from '../market/instrument.ts';
import type { Position } from '../positions/position.ts';
import { OrderProposal } from '../risk/order-proposal.ts';

/**
 * The ids of one operator request: the proposal and its chain are named by the action and the
 * request id (one id sent with `open` and then `close` names two trades, not one).
 */
export function operatorIdsOf(
  action: 'open' | 'close',
  requestId: string,
): { proposalId: string; signalId: string; correlationId: string } {
  const proposalId = `op-${action}-${requestId}`;
  // No signal led to it: the request stands in its place, so that every id of the chain is the operator's.
  return { proposalId, signalId: proposalId, correlationId: `operator.${action}.${requestId}` };
}

export interface OpenProposalInput {
  requestId: string;
  requestedBy: string;
  symbol: string;
  usd: string;
  /** % below the entry; undefined for none (the risk engine asks for one unless configured otherwise). */
  stopPct?: string;
  /** % above the entry; undefined for none. */
  takeProfitPct?: string;
  /** The latest stored close: the proposal's price, around which the stop and take profit are set. */
  marketPrice: string;
  /** The pair's trading rules, when known: the stop and take profit go onto its tick grid, toward the market. */
  instrument?: Instrument;
  /** The symbol's fresh regime, as the coordinator would see it; null when unknown or stale. */
  regime: MarketRegime | null;
  nowMs: number;
}

/**
 * The proposal of `trade open`: a spot buy (leverage 1) of `usd` notional at market, with its
 * stop loss and take profit as prices, `marketPrice × (1 ∓ pct / 100)`, on the pair's tick grid
 * (moved toward the market, never farther than asked). Source `operator`, confidence 1 (an
 * operator's decision is not a model's guess); every risk rule still applies. Pure.
 */
export function buildOpenProposal(input: OpenProposalInput): OrderProposal {
  const price = new Decimal(input.marketPrice);
  const stop = input.stopPct === undefined ? null : price.times(new Decimal(100).minus(input.stopPct)).div(100);
  const target =
    input.takeProfitPct === undefined ? null : price.times(new Decimal(100).plus(input.takeProfitPct)).div(100);
  const onGrid = (value: Decimal | null, place: (i: Instrument, v: string) => string): string | null => {
    if (value === null) return null;
    return input.instrument
      ? place(input.instrument, value.toFixed())
      : value.toDecimalPlaces(8, Decimal.ROUND_HALF_UP).toFixed();
  };
  return OrderProposal.parse({
    ...operatorIdsOf('open', input.requestId),
    symbol: input.symbol,
    side: 'buy',
    intent: 'entry',
    entryPrice: input.marketPrice,
    stopLoss: onGrid(stop, (i, v) => roundStopPrice(i, 'sell', v)),
    takeProfit: onGrid(target, (i, v) => roundPrice(i, v, 'down')),
    sizePct: 0,
    notionalUsd: input.usd,
    leverage: 1,
    confidence: 1,
    regime: input.regime,
    createdAtMs: input.nowMs,
    source: 'operator',
    requestedBy: input.requestedBy,
  });
}

export interface CloseProposalInput {
  requestId: string;
  requestedBy: string;
  position: Position;
  /** Share of the position's quantity to exit, % in (0, 100]. */
  pct: string;
  /** The latest stored close, or null without one (the position's own entry price then stands in). */
  marketPrice: string | null;
  nowMs: number;
}

/**
 * The proposal of `trade close`: an exit (reduce-only) of `pct` % of the position, on the side
 * that reduces it, at the position's leverage; the risk engine sizes it from what is held
 * (never more than what is left after the exits in flight). Source `operator`. Pure.
 */
export function buildCloseProposal(input: CloseProposalInput): OrderProposal {
  const { position } = input;
  return OrderProposal.parse({
    ...operatorIdsOf('close', input.requestId),
    symbol: position.symbol,
    side: position.side === 'long' ? 'sell' : 'buy',
    intent: 'exit',
    purpose: 'exit',
    entryPrice: input.marketPrice ?? position.avgEntryPrice,
    stopLoss: null,
    takeProfit: null,
    sizePct: 0,
    exitPct: new Decimal(input.pct).toNumber(),
    leverage: position.leverage,
    confidence: 1,
    regime: null,
    createdAtMs: input.nowMs,
    source: 'operator',
    requestedBy: input.requestedBy,
  });
}
