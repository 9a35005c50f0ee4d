import { z } from 'zod';
import { defineMessage } from '../define-message.ts';

/** Output of the technical-analysis agent for one symbol. */
export const TaSignalEmitted = defineMessage({
  type: 'ta.signal_emitted',
  topic: 'ta_signals',
  description: 'Technical-analysis bias and indicator values for one symbol',
  payload: z
    .object({
      timeframe: z.string().min(1),
      candleOpenTimeMs: z.number().int().nonnegative(),
      bias: z.enum(['long', 'short', 'neutral']),
      confidence: z.number().min(0).max(1),
      /** Indicator name → value (decimal strings for prices, numbers for oscillators). */
      indicators: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
    })
    .strict(),
});
