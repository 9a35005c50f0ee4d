import type { z } from 'zod';
import { TradingSignalEmitted } from '../bus/messages/trading-signal-emitted.ts';
import { tradingPair } from '../config/config-fields.ts';

/**
 * The trading signal the coordinator is deciding on: the `decision.signal_emitted` payload's
 * trade fields plus the envelope's symbol. Each function takes only the fields it reads.
 */
export const SignalUnderReview = TradingSignalEmitted.payload
  .pick({
    signalId: true,
    action: true,
    confidence: true,
    entryPrice: true,
    stopLoss: true,
    takeProfit: true,
    sizePct: true,
    leverage: true,
  })
  .extend({ symbol: tradingPair() })
  .strict();
export type SignalUnderReview = z.infer<typeof SignalUnderReview>;
