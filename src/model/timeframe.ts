import { z } from 'zod';

/** Candle intervals Kraken's OHLC endpoint serves. */
export const Timeframe = z.enum(['1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w']);
export type Timeframe = z.infer<typeof Timeframe>;
