import { clamp, mean, sign } from './score-math.ts';
import type { IndicatorSnapshot } from './measure-indicators.ts';

export type Bias = 'long' | 'short' | 'neutral';

export interface BiasScores {
  /** EMA stack, −1 (fully bearish) to 1 (fully bullish). */
  trend: number;
  /** MACD and RSI, −1 to 1. */
  momentum: number;
  /** Trend strength from ADX, 0 (none) to 1 (strong). */
  strength: number;
}

export interface BiasVerdict {
  bias: Bias;
  /** 0–1. */
  confidence: number;
  scores: BiasScores;
}

/** |direction| at or above which the bias is long or short. */
export const BIAS_THRESHOLD = 0.3;
/** ADX at which strength starts to count, and the ADX span over which it reaches 1. */
const ADX_FLOOR = 15;
const ADX_SPAN = 25;
/** RSI points from 50 that count as full momentum. */
const RSI_SPAN = 20;

/**
 * The TA bias, from documented rules:
 *
 * 1. trend = mean of sign(close − EMA9), sign(EMA9 − EMA21), sign(EMA21 − EMA50),
 *    sign(EMA50 − EMA200): 1 when the stack is fully bullish, −1 when fully bearish.
 * 2. momentum = mean of sign(MACD histogram), sign(MACD line) and clamp((RSI − 50) / 20, −1, 1).
 *    An RSI above 70 adds bullish momentum rather than an overbought warning: the agent follows
 *    trends and leaves reversals to the decision panel.
 * 3. direction = 0.6 · trend + 0.4 · momentum, in [−1, 1].
 * 4. strength = clamp((ADX − 15) / 25, 0, 1): 0 at ADX ≤ 15, 1 at ADX ≥ 40.
 * 5. bias = long if direction ≥ 0.3, short if direction ≤ −0.3, neutral otherwise.
 * 6. confidence of long or short = |direction| · (0.5 + 0.5 · strength): a weak trend halves it.
 *    Confidence of neutral = (1 − |direction| / 0.3) · (1 − 0.5 · strength): a flat score in a
 *    trendless market is a confident neutral.
 *
 * Volume and support/resistance are reported but do not move the bias.
 */
export function scoreBias(s: IndicatorSnapshot): BiasVerdict {
  const trend = mean([
    sign(s.close - s.ema9),
    sign(s.ema9 - s.ema21),
    sign(s.ema21 - s.ema50),
    sign(s.ema50 - s.ema200),
  ]);
  const momentum = mean([sign(s.macd.histogram), sign(s.macd.line), clamp((s.rsi14 - 50) / RSI_SPAN, -1, 1)]);
  const direction = 0.6 * trend + 0.4 * momentum;
  const strength = clamp((s.adx14 - ADX_FLOOR) / ADX_SPAN, 0, 1);
  const scores = { trend, momentum, strength };
  if (Math.abs(direction) >= BIAS_THRESHOLD) {
    return { bias: direction > 0 ? 'long' : 'short', confidence: Math.abs(direction) * (0.5 + 0.5 * strength), scores };
  }
  return { bias: 'neutral', confidence: (1 - Math.abs(direction) / BIAS_THRESHOLD) * (1 - 0.5 * strength), scores };
}
