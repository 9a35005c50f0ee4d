/**
 * The built-in `rules` model, written as a strategy: the same votes for the same bars (a test
 * holds it to that), so it is the place to start a strategy of your own. Copy it, change it,
 * and name your file in `agents.decision.panel` (see the README's "Strategies as code").
 *
 * A trend follower over the TA and regime agents:
 * 1. regime quiet, ranging or volatile → HOLD;
 * 2. regime trending_bull, TA bias long, EMA(21) above EMA(50) → BUY, unless RSI(14) is at or
 *    above `rsiOverbought`;
 * 3. regime trending_bear, TA bias short, EMA(21) below EMA(50) → SELL, unless RSI(14) is at
 *    or below `rsiOversold` (on spot a SELL exits a long; it opens a short only with margin);
 * 4. anything else → HOLD.
 * An entry's stop and target are `stopLossAtr` and `takeProfitAtr` ATR(14)s away; its size is
 * `maxSizePct` × confidence. Confidence is the mean of the TA and regime confidences, moved by
 * 0.1 × the sentiment score in the trade's direction.
 *
 * Params (all optional, the defaults of `llm.rules`): stopLossAtr 2, takeProfitAtr 3,
 * maxSizePct 10, rsiOverbought 70, rsiOversold 30.
 */
import { Decimal } from '../src/model/decimal.ts';
import type { Strategy, StrategyInput } from '../src/strategies/strategy.ts';
import type { StrategyVote } from '../src/strategies/strategy-vote.ts';

export default function rules(params: Readonly<Record<string, unknown>>): Strategy {
  refuseUnknown(params, ['stopLossAtr', 'takeProfitAtr', 'maxSizePct', 'rsiOverbought', 'rsiOversold']);
  const p = {
    stopLossAtr: numberParam(params, 'stopLossAtr', 2),
    takeProfitAtr: numberParam(params, 'takeProfitAtr', 3),
    maxSizePct: numberParam(params, 'maxSizePct', 10),
    rsiOverbought: numberParam(params, 'rsiOverbought', 70),
    rsiOversold: numberParam(params, 'rsiOversold', 30),
  };
  return {
    name: 'rules',
    // Everything it reads is in the TA output; one bar is all it asks for.
    lookback: 1,
    decide(input: StrategyInput): StrategyVote {
      const { ta, regime } = input;
      const confidence = round((ta.confidence + regime.confidence) / 2, 4);
      const hold = (reasoning: string): StrategyVote => ({ action: 'HOLD', confidence, reasoning });
      const fast = new Decimal(ta.indicators.ema.ema21);
      const slow = new Decimal(ta.indicators.ema.ema50);
      const rsi = ta.indicators.rsi14;

      let action: 'BUY' | 'SELL';
      if (regime.regime === 'trending_bull') {
        if (ta.bias !== 'long') return hold(`regime trending_bull but TA bias ${ta.bias}`);
        if (!fast.gt(slow)) return hold('regime trending_bull but EMA(21) is not above EMA(50)');
        if (rsi >= p.rsiOverbought) return hold(`uptrend but RSI ${rsi} is overbought: wait for a pullback`);
        action = 'BUY';
      } else if (regime.regime === 'trending_bear') {
        if (ta.bias !== 'short') return hold(`regime trending_bear but TA bias ${ta.bias}`);
        if (!fast.lt(slow)) return hold('regime trending_bear but EMA(21) is not below EMA(50)');
        if (rsi <= p.rsiOversold) return hold(`downtrend but RSI ${rsi} is oversold: do not sell into exhaustion`);
        action = 'SELL';
      } else {
        return hold(`regime ${regime.regime}: no trend to follow`);
      }

      const entry = new Decimal(input.price);
      const atr = new Decimal(ta.indicators.atr14);
      const sign = action === 'BUY' ? 1 : -1;
      const stopLoss = entry
        .minus(atr.times(String(p.stopLossAtr)).times(sign))
        .toDecimalPlaces(8, Decimal.ROUND_HALF_UP);
      const takeProfit = entry
        .plus(atr.times(String(p.takeProfitAtr)).times(sign))
        .toDecimalPlaces(8, Decimal.ROUND_HALF_UP);
      if (atr.lte(0) || stopLoss.lte(0) || takeProfit.lte(0))
        return hold(`no protective levels can be placed (ATR ${ta.indicators.atr14})`);

      const moved = clamp01(round(confidence + 0.1 * sign * (input.sentimentScore ?? 0), 4));
      return {
        action,
        confidence: moved,
        stopLoss: stopLoss.toFixed(),
        takeProfit: takeProfit.toFixed(),
        sizePct: round(p.maxSizePct * moved, 2),
        reasoning: `${regime.regime} with TA bias ${ta.bias}, RSI ${rsi}: ${action}`,
      };
    },
  };
}

/** A misspelt param must not quietly become its default. */
function refuseUnknown(params: Readonly<Record<string, unknown>>, known: readonly string[]): void {
  for (const name of Object.keys(params))
    if (!known.includes(name)) throw new Error(`unknown param ${name} (known: ${known.join(', ')})`);
}

/** A number param, or its default; anything else is refused when the strategy is loaded. */
function numberParam(params: Readonly<Record<string, unknown>>, name: string, fallback: number): number {
  const value = params[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new Error(`param ${name} must be a number, got ${JSON.stringify(value)}`);
  return value;
}

function round(value: number, digits: number): number {
  return new Decimal(value).toDecimalPlaces(digits, Decimal.ROUND_HALF_UP).toNumber();
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
