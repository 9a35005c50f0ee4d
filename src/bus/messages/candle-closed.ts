import { z } from 'zod';
import { DecimalString, NonNegativeDecimalString } from '../../shared/decimal-string.ts';
import { defineMessage } from '../define-message.ts';

/** A finished OHLCV bar for the message's symbol. */
export const CandleClosed = defineMessage({
  type: 'market.candle_closed',
  topic: 'market_data',
  description: 'A finished OHLCV bar; gap-filled bars repeat the previous close with zero volume',
  payload: z
    .object({
      timeframe: z.string().min(1),
      openTimeMs: z.number().int().nonnegative(),
      open: DecimalString,
      high: DecimalString,
      low: DecimalString,
      close: DecimalString,
      volume: NonNegativeDecimalString,
      trades: z.number().int().nonnegative(),
      gapFilled: z.boolean(),
    })
    .strict(),
});
