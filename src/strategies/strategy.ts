import type { TaIndicators } from '../agents/ta/contract/ta-signal-emitted.ts';
import type { MarketRegime } from '../model/market-regime.ts';
import type { PositionSide } from '../model/position-side.ts';
import type { WorkingOrder } from '../orders/working-orders-of.ts';
import type { PriceBar } from '../model/price-bar.ts';
import type { StrategyVote } from './strategy-vote.ts';

/**
 * A trading strategy written as code: one vote of the decision panel, beside or instead of
 * the models. It is named in config (`agents.decision.panel: [{ strategy: strategies/my.ts }]`)
 * and loaded at start; see `strategies/` for two examples and the README for the guide.
 *
 * `decide` is asked once per pair and closed bar. It should be a function of its input: the
 * same input gives the same vote, so a replay is repeatable and a sweep comparable. A vote
 * that fails `StrategyVote`, a throw, or an answer later than `agents.decision.perModelTimeoutMs`
 * (wall time) makes the strategy abstain on that bar: it is listed with the reason and never
 * counted, so nothing is traded on it.
 */
export interface Strategy {
  /** Shown in votes and `explain`, as `strategy:<name>`; default the file's name. */
  name?: string;
  /** How many closed bars `decide` wants in `input.bars` (1–2000); default 100. */
  lookback?: number;
  decide(input: StrategyInput): StrategyVote | Promise<StrategyVote>;
}

/**
 * What a strategy file exports as its default: a `Strategy`, or a function making one from the
 * `params` of its panel entry (a sweep varies those).
 */
export type StrategyModule = Strategy | ((params: Readonly<Record<string, unknown>>) => Strategy);

/**
 * One closed bar (the model's `PriceBar`): open time (epoch ms, market time), open, high, low,
 * close and volume (base units), as decimal strings: convert with care, money is never a float.
 */
export type StrategyBar = PriceBar;

/** The pair's open position, as the orders placed for it see it. */
export interface StrategyPosition {
  side: PositionSide;
  /** Base-asset units really held, fills not yet taken into the position included. */
  quantity: string;
  /** Volume-weighted entry price (fees excluded). */
  avgEntryPrice: string;
  /** Resting protective levels, null when none. */
  stopLoss: string | null;
  takeProfit: string | null;
  openedAtMs: number;
}

/** One order of the pair not final yet: side, purpose, status, quantities and prices as decimal strings. */
export type StrategyOrder = WorkingOrder;

/** What a strategy is asked with, for one pair at one closed bar. */
export interface StrategyInput {
  /** The pair, e.g. `BTC/USD`. */
  symbol: string;
  /** `marketData.timeframe`, e.g. `1h`. */
  timeframe: string;
  /**
   * The close of the bar being decided: the price stops, targets and size are measured from.
   * An entry is a market order placed now, after the bar closed; it fills at a later price (on
   * the paper exchange, the open of the first bar opening after it was placed).
   */
  price: string;
  /** The last closed bars, oldest first, ending with the bar being decided (at most `lookback`). */
  bars: readonly StrategyBar[];
  /** The TA agent's reading of the bar: bias, confidence and every indicator it computed. */
  ta: { bias: 'long' | 'short' | 'neutral'; confidence: number; indicators: TaIndicators };
  /** The regime agent's reading. */
  regime: { regime: MarketRegime; confidence: number };
  /** Sentiment −1 … 1, absent when sentiment is off or abstained. */
  sentimentScore?: number;
  /** The pair's open position, null when flat (an entry still waiting for its fill is in `orders`). */
  position: StrategyPosition | null;
  /**
   * The pair's orders not yet final, oldest first: an entry waiting for its fill, the resting
   * stop, an exit in flight. A strategy that enters "when flat" checks here too, or its next
   * BUY is an add (refused unless `risk.maxAddsPerPosition` allows one).
   */
  orders: readonly StrategyOrder[];
  /**
   * The account at its latest valuation (`portfolio_snapshots`): equity and free cash in the
   * cash asset. Null before the first valuation.
   */
  account: { cashAsset: string; equity: string; cash: string; atMs: number } | null;
  /** The `params` of the strategy's panel entry. */
  params: Readonly<Record<string, unknown>>;
}
