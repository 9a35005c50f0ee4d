/**
 * A simple trend follower on closes alone, for spot: long while the fast simple moving average
 * is above the slow one, flat otherwise.
 *
 * - Flat and the fast SMA crosses above the slow one (it was at or below it a bar ago) → BUY,
 *   stop `stopAtr` ATR(14)s below the close and target `targetAtr` above it.
 * - Long and the fast SMA is below the slow one → SELL: on spot that exits the position.
 * - Anything else → HOLD (it never adds to a position).
 *
 * Confidence grows with the gap between the averages, from `minConfidence` up to 1 at a gap
 * of 2 % of the price.
 *
 * Params: fast 20, slow 50 (bars), stopAtr 2, targetAtr 4, sizePct 10, minConfidence 0.6.
 */
import { Decimal } from '../src/model/decimal.ts';
import type { Strategy, StrategyBar, StrategyInput } from '../src/strategies/strategy.ts';
import type { StrategyVote } from '../src/strategies/strategy-vote.ts';

export default function trendFollower(params: Readonly<Record<string, unknown>>): Strategy {
  refuseUnknown(params, ['fast', 'slow', 'stopAtr', 'targetAtr', 'sizePct', 'minConfidence']);
  const fast = wholeParam(params, 'fast', 20);
  const slow = wholeParam(params, 'slow', 50);
  if (fast >= slow) throw new Error(`param fast (${fast}) must be below slow (${slow})`);
  const stopAtr = numberParam(params, 'stopAtr', 2);
  const targetAtr = numberParam(params, 'targetAtr', 4);
  const sizePct = numberParam(params, 'sizePct', 10);
  const minConfidence = numberParam(params, 'minConfidence', 0.6);

  return {
    name: `trend-${fast}-${slow}`,
    // The slow average now and a bar ago.
    lookback: slow + 1,
    decide(input: StrategyInput): StrategyVote {
      const bars = input.bars;
      if (bars.length < slow + 1)
        return { action: 'HOLD', confidence: 0, reasoning: `${bars.length} bars, need ${slow + 1}` };
      const now = { fast: sma(bars, fast, 0), slow: sma(bars, slow, 0) };
      const before = { fast: sma(bars, fast, 1), slow: sma(bars, slow, 1) };
      const price = new Decimal(input.price);
      const gap = now.fast.minus(now.slow).abs().div(price);
      const confidence = Math.min(1, minConfidence + (1 - minConfidence) * Math.min(1, gap.div('0.02').toNumber()));
      const long = input.position?.side === 'long';

      if (long && now.fast.lt(now.slow))
        return { action: 'SELL', confidence, reasoning: `SMA(${fast}) fell below SMA(${slow}): exit` };
      if (input.position === null && now.fast.gt(now.slow) && before.fast.lte(before.slow)) {
        const atr = new Decimal(input.ta.indicators.atr14);
        if (atr.isZero()) return { action: 'HOLD', confidence: 0, reasoning: 'ATR is zero: no stop can be placed' };
        const stopLoss = price.minus(atr.times(stopAtr)).toDecimalPlaces(8, Decimal.ROUND_DOWN);
        if (stopLoss.lte(0)) return { action: 'HOLD', confidence: 0, reasoning: 'the stop would be at or below zero' };
        return {
          action: 'BUY',
          confidence,
          stopLoss: stopLoss.toFixed(),
          takeProfit: price.plus(atr.times(targetAtr)).toDecimalPlaces(8, Decimal.ROUND_UP).toFixed(),
          sizePct,
          reasoning: `SMA(${fast}) crossed above SMA(${slow})`,
        };
      }
      return { action: 'HOLD', confidence, reasoning: long ? 'trend holds' : 'no fresh cross' };
    },
  };
}

/** Mean close of `length` bars ending `back` bars before the newest. */
function sma(bars: readonly StrategyBar[], length: number, back: number): Decimal {
  const end = bars.length - back;
  return bars
    .slice(end - length, end)
    .reduce((sum, bar) => sum.plus(bar.close), new Decimal(0))
    .div(length);
}

/** A misspelt param must not quietly become its default. */
function refuseUnknown(params: Readonly<Record<string, unknown>>, known: readonly string[]): void {
  for (const name of Object.keys(params))
    if (!known.includes(name)) throw new Error(`unknown param ${name} (known: ${known.join(', ')})`);
}

function numberParam(params: Readonly<Record<string, unknown>>, name: string, fallback: number): number {
  const value = params[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new Error(`param ${name} must be a number ≥ 0, got ${JSON.stringify(value)}`);
  return value;
}

function wholeParam(params: Readonly<Record<string, unknown>>, name: string, fallback: number): number {
  const value = numberParam(params, name, fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`param ${name} must be a whole number ≥ 1, got ${value}`);
  return value;
}
