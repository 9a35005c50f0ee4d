import { z } from 'zod';
import { durationMs, httpUrl, tradingPair } from '../config-fields.ts';
import { Timeframe } from '../../model/timeframe.ts';

const isoDate = z
  .string()
  .refine(
    (s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)),
    'expected an ISO date such as 2024-01-01 or 2024-01-01T00:00:00Z',
  );

/** The `marketData` section: where candles come from. */
export const MarketDataConfig = z
  .object({
    /** `live` polls Kraken; `replay` plays recorded candles from CSV files (the demo). */
    source: z.enum(['live', 'replay']).default('live'),
    /** Candle interval every agent works on. */
    timeframe: Timeframe.default('1h'),
    /** Candles loaded per pair at start; Kraken's OHLC endpoint returns at most 720. */
    historyCandles: z.number().int().min(50).max(720).default(300),
    replay: z
      .object({
        /** Recorded candles per pair: CSV path relative to the project root. */
        files: z.record(tradingPair(), z.string().min(1)).default({
          'BTC/USD': 'data/market/kraken_XBTUSD_60.csv',
          'XRP/USD': 'data/market/kraken_XRPUSD_60.csv',
        }),
        /** Market seconds played per wall-clock second (3600: one hour of market per second). */
        speed: z.number().min(1).max(10_000_000).default(3_600),
        /** First candle to play (ISO date); absent means the start of the files. */
        startAt: isoDate.optional(),
      })
      .strict()
      .prefault({}),
    kraken: z
      .object({
        /** Override of Kraken's public API URL (tests point it at a local server). */
        baseUrl: httpUrl().optional(),
        /** Timeout of one public API call, the whole answer included. */
        timeoutMs: durationMs(1_000, 120_000).default(10_000),
        /**
         * Kraken's per-IP limit on public endpoints (about one call a second), modelled as a
         * decaying counter in Redis that every replica shares.
         */
        publicRateLimit: z
          .object({
            /** Calls allowed in a burst: the counter's ceiling. */
            maxCounter: z.number().min(1).max(100).default(2),
            /** Calls regained per second: the counter's decay. */
            decayPerSec: z.number().gt(0).max(100).default(1),
            /** Longest a call waits for the limiter before failing (retryable, EXCHANGE_RATE_LIMITED). */
            maxWaitMs: durationMs(0, 300_000).default(30_000),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type MarketDataConfig = z.infer<typeof MarketDataConfig>;
