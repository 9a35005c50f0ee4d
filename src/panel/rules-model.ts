import { Decimal } from '../model/decimal.ts';
import type { LlmConfig } from '../config/sections/llm-config.ts';
import type { DecisionContext } from './decision-context.ts';
import { protectiveLevels } from './protective-levels.ts';
import type { TradeDecision } from './trade-decision.ts';

/** Tuning of the rules model: `llm.rules`. */
export type RulesModelConfig = LlmConfig['rules'];

/** How much a sentiment score of ±1 moves the confidence of an entry. */
const SENTIMENT_WEIGHT = 0.1;

/**
 * The deterministic built-in model `rules`: a trend-following strategy over the TA and regime
 * outputs. It needs no API key and no network, so the system always has at least one voter.
 * The same context always gives the same decision.
 *
 * Rules, in order:
 * 1. Regime `quiet`, `ranging` or `volatile` → HOLD: nothing to follow in a quiet or ranging
 *    market, and in a volatile one an ATR-based stop is hit by noise.
 * 2. Regime `trending_bull`, TA bias `long`, EMA(21) above EMA(50) → BUY, unless RSI(14) is at
 *    or above `rsiOverbought` (HOLD: wait for a pullback).
 * 3. Regime `trending_bear`, TA bias `short`, EMA(21) below EMA(50) → SELL (a short), unless
 *    RSI(14) is at or below `rsiOversold` (HOLD: do not sell into exhaustion).
 * 4. Anything else (TA disagrees with the regime, EMAs crossed the other way) → HOLD.
 * 5. An entry whose protective levels cannot be placed (ATR zero, a stop at or below zero)
 *    → HOLD.
 *
 * Numbers:
 * - confidence = mean of the TA and regime confidences; for an entry, plus 0.1 × sentiment
 *   score in the direction of the trade (a bearish score lowers a BUY), clamped to 0–1 and
 *   rounded to 4 digits;
 * - entry = the context price; stop-loss `stopLossAtr` × ATR and take-profit `takeProfitAtr`
 *   × ATR from it (below/above for BUY, above/below for SELL), see `protectiveLevels`;
 * - size = `maxSizePct` × confidence, % of equity, rounded to 2 digits; leverage always 1;
 * - HOLD has no prices, size 0 and leverage 1.
 */
export function decideByRules(context: DecisionContext, config: RulesModelConfig): TradeDecision {
  const { ta, regime } = context;
  const baseConfidence = round((ta.confidence + regime.confidence) / 2, 4);
  const hold = (reasoning: string): TradeDecision => ({
    action: 'HOLD',
    confidence: baseConfidence,
    entryPrice: null,
    stopLoss: null,
    takeProfit: null,
    sizePct: 0,
    leverage: 1,
    reasoning,
  });

  const emaFast = new Decimal(ta.ema21);
  const emaSlow = new Decimal(ta.ema50);
  let side: 'BUY' | 'SELL';
  switch (regime.regime) {
    case 'quiet':
    case 'ranging':
      return hold(`regime ${regime.regime}: no trend to follow`);
    case 'volatile':
      return hold('regime volatile: an ATR stop would be hit by noise');
    case 'trending_bull':
      if (ta.bias !== 'long') return hold(`regime trending_bull but TA bias ${ta.bias}`);
      if (!emaFast.gt(emaSlow)) return hold('regime trending_bull but EMA(21) is not above EMA(50)');
      if (ta.rsi >= config.rsiOverbought)
        return hold(`uptrend but RSI ${ta.rsi} is overbought (>= ${config.rsiOverbought}): wait for a pullback`);
      side = 'BUY';
      break;
    case 'trending_bear':
      if (ta.bias !== 'short') return hold(`regime trending_bear but TA bias ${ta.bias}`);
      if (!emaFast.lt(emaSlow)) return hold('regime trending_bear but EMA(21) is not below EMA(50)');
      if (ta.rsi <= config.rsiOversold)
        return hold(`downtrend but RSI ${ta.rsi} is oversold (<= ${config.rsiOversold}): do not sell into exhaustion`);
      side = 'SELL';
      break;
  }

  const levels = protectiveLevels(side, context.price, ta.atr, config);
  if (levels === null) return hold(`no protective levels can be placed (ATR ${ta.atr})`);

  const direction = side === 'BUY' ? 1 : -1;
  const confidence = clamp01(round(baseConfidence + SENTIMENT_WEIGHT * direction * (context.sentimentScore ?? 0), 4));
  return {
    action: side,
    confidence,
    entryPrice: context.price,
    stopLoss: levels.stopLoss,
    takeProfit: levels.takeProfit,
    sizePct: round(config.maxSizePct * confidence, 2),
    leverage: 1,
    reasoning:
      `${regime.regime} (${regime.confidence}) with TA bias ${ta.bias} (${ta.confidence}), EMA(21) ${side === 'BUY' ? 'above' : 'below'} EMA(50), RSI ${ta.rsi}: ` +
      `${side} with stop ${config.stopLossAtr} ATR and target ${config.takeProfitAtr} ATR away`,
  };
}

function round(value: number, digits: number): number {
  return new Decimal(value).toDecimalPlaces(digits, Decimal.ROUND_HALF_UP).toNumber();
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
