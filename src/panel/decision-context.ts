import { z } from 'zod';
import type { PayloadOf } from '../bus/message-catalog.ts';
import { MarketRegime } from '../model/market-regime.ts';
import { tradingPair } from '../config/config-fields.ts';
import { DecimalString, NonNegativeDecimalString, PositiveDecimalString } from '../model/decimal-string.ts';

/**
 * What a trading decision for one symbol is made from: the latest price, the technical-analysis
 * output and the market regime, and optionally a sentiment score. Prices and ATR are decimal
 * strings, taken from the agents' outputs by code, never from model text.
 */
export const DecisionContext = z
  .object({
    /** Exchange pair, e.g. `BTC/USD`. */
    symbol: tradingPair(),
    /** Latest close, the entry price of a decision taken now. */
    price: PositiveDecimalString,
    ta: z
      .object({
        bias: z.enum(['long', 'short', 'neutral']),
        confidence: z.number().min(0).max(1),
        /** RSI(14), 0–100. */
        rsi: z.number().min(0).max(100),
        /** ATR(14) in price units. */
        atr: NonNegativeDecimalString,
        ema21: DecimalString,
        ema50: DecimalString,
      })
      .strict(),
    regime: z
      .object({
        regime: MarketRegime,
        confidence: z.number().min(0).max(1),
      })
      .strict(),
    /** Sentiment, −1 (bearish) … 1 (bullish); absent when sentiment is off or abstained. */
    sentimentScore: z.number().min(-1).max(1).optional(),
  })
  .strict();
export type DecisionContext = z.infer<typeof DecisionContext>;

/**
 * The context of a decision from the agents' latest outputs for one symbol: the price is the
 * close of the TA bar, ATR and EMAs come from its indicators.
 */
export function toDecisionContext(input: {
  symbol: string;
  ta: PayloadOf<'ta.signal_emitted'>;
  regime: PayloadOf<'regime.detected'>;
  sentiment?: PayloadOf<'sentiment.scored'>;
}): DecisionContext {
  const { ta, regime, sentiment } = input;
  return DecisionContext.parse({
    symbol: input.symbol,
    price: ta.close,
    ta: {
      bias: ta.bias,
      confidence: ta.confidence,
      rsi: ta.indicators.rsi14,
      atr: ta.indicators.atr14,
      ema21: ta.indicators.ema.ema21,
      ema50: ta.indicators.ema.ema50,
    },
    regime: { regime: regime.regime, confidence: regime.confidence },
    ...(sentiment ? { sentimentScore: sentiment.score } : {}),
  });
}
