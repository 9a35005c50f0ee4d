import type { TradeAction } from '../bus/messages/trading-signal-emitted.ts';
import type { FreshOutputs } from './fresh-outputs.ts';

/** Which way something points: 1 up (long, bullish), -1 down (short, bearish), 0 no way. */
export type Direction = 1 | 0 | -1;

/** A sentiment score strictly inside (−0.2, 0.2) is neutral; at or beyond ±0.2 it has a direction. */
export const SENTIMENT_NEUTRAL_BAND = 0.2;

/**
 * The direction of a trade: BUY 1, SELL -1. HOLD (nothing to do) and CLOSE (an exit of
 * whichever side is open, reducing exposure) have none: `undefined`.
 */
export function directionOfTrade(action: TradeAction): 1 | -1 | undefined {
  switch (action) {
    case 'BUY':
      return 1;
    case 'SELL':
      return -1;
    case 'HOLD':
    case 'CLOSE':
      return undefined;
  }
}

/**
 * The direction each present output points to:
 * - TA: bias `long` 1, `short` -1, `neutral` 0;
 * - regime: `trending_bull` 1, `trending_bear` -1, `ranging` / `volatile` / `quiet` 0;
 * - sentiment: score ≥ 0.2 → 1, score ≤ −0.2 → -1, in between 0 (`SENTIMENT_NEUTRAL_BAND`).
 */
export function directionsOfAgents(outputs: FreshOutputs): {
  ta?: Direction;
  regime?: Direction;
  sentiment?: Direction;
} {
  const directions: { ta?: Direction; regime?: Direction; sentiment?: Direction } = {};
  if (outputs.ta) directions.ta = outputs.ta.bias === 'long' ? 1 : outputs.ta.bias === 'short' ? -1 : 0;
  if (outputs.regime)
    directions.regime =
      outputs.regime.regime === 'trending_bull' ? 1 : outputs.regime.regime === 'trending_bear' ? -1 : 0;
  if (outputs.sentiment) {
    const { score } = outputs.sentiment;
    directions.sentiment = score >= SENTIMENT_NEUTRAL_BAND ? 1 : score <= -SENTIMENT_NEUTRAL_BAND ? -1 : 0;
  }
  return directions;
}
