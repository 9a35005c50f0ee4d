import { z } from 'zod';
import { decimalAmount, durationMs, httpUrl, pct, secret } from '../config-fields.ts';

/** Kraken's API tiers; the tier sets the decay of the shared rate-limit counter. */
export const KrakenTier = z.enum(['starter', 'intermediate', 'pro']);
export type KrakenTier = z.infer<typeof KrakenTier>;

/** The `execution` section: where approved orders go. */
export const ExecutionConfig = z
  .object({
    /** `paper` fills on the built-in paper exchange; `kraken` trades real money (`app.mode: live`). */
    exchange: z.enum(['paper', 'kraken']).default('paper'),
    /**
     * Trailing stop managed by the engine behind every new position, % from the best price
     * since entry (it only ever tightens); null: none. The stop loss rests on the exchange;
     * the take profit and the trailing stop are watched on every closed bar.
     */
    trailingStopPct: pct(0.1, 50).nullable().default(null),
    /**
     * Wall time after its approval by which an approval must have become an order. An
     * execution job that starts later records the order `denied` (the approval is stale) and
     * sends nothing; an approval with no order and no execution job still coming after it is
     * recorded the same way by reconciliation, with an `execution.approval_orphaned` event.
     * Longer than the execution job's retries take.
     */
    orphanApprovalMs: durationMs(60_000, 86_400_000).default(300_000),
    /**
     * Whether orders may use margin (leverage above 1, shorts). false (the default): spot only;
     * risk denies every leveraged or short entry and the Kraken exchange refuses to send one.
     * true: only on pairs whose `AssetPairs` entry lists leverage, and only for an account of a
     * tier Kraken offers margin to (Intermediate or Pro); equity is then Kraken's
     * `TradeBalance`.
     */
    margin: z.boolean().default(false),
    kraken: z
      .object({
        /** Verification tier of the account (rate limits differ per tier). */
        tier: KrakenTier.default('starter'),
        /** API key, from `KRAKEN_API_KEY`. */
        apiKey: secret(),
        /** API private key (base64), from `KRAKEN_API_SECRET`. */
        apiSecret: secret(),
        /** Override of the API URL (tests point it at a local server). */
        baseUrl: httpUrl().optional(),
        /** Timeout of one private API call; an order call that times out is reconciled, never resubmitted. */
        timeoutMs: durationMs(1_000, 120_000).default(10_000),
        /** Dead man's switch (`CancelAllOrdersAfter`), seconds, refreshed while alive; 0 disables. */
        deadManSwitchSec: z
          .number()
          .int()
          .min(0)
          .max(86_400)
          .refine((s) => s === 0 || s >= 15, 'expected 0 (off) or at least 15 seconds')
          .default(60),
        /** Interval of the periodic reconciliation with the exchange. */
        reconcileIntervalMs: durationMs(5_000, 3_600_000).default(30_000),
      })
      .strict()
      .prefault({}),
    /**
     * Instrument rules (Kraken's `AssetPairs`) of pairs the shipped data does not have, or
     * overrides of shipped ones, by our symbol (`ETH/USD`). Every order is rounded to them and
     * checked against them before it is approved and sent.
     */
    instruments: z
      .record(
        z.string().regex(/^[A-Z0-9]{2,10}\/[A-Z0-9]{2,10}$/, 'expected a pair such as "ETH/USD"'),
        z
          .object({
            /** Kraken's pair key, e.g. `XETHZUSD`. */
            krakenPair: z.string().min(1),
            priceDecimals: z.number().int().min(0).max(18),
            tickSize: decimalAmount({ min: '0.000000000000000001' }),
            lotDecimals: z.number().int().min(0).max(18),
            orderMin: decimalAmount(),
            costMin: decimalAmount().default('0'),
            leverageBuy: z.array(z.number().int().min(2).max(5)).default([]),
            leverageSell: z.array(z.number().int().min(2).max(5)).default([]),
          })
          .strict(),
      )
      .default({}),
    paper: z
      .object({
        /** Cash the paper account starts with, in the cash asset (decimal string). */
        startingCashUsd: decimalAmount({ min: '1', max: '1000000000' }).default('10000'),
        /** Price slippage applied to market fills, basis points. */
        slippageBps: z.number().min(0).max(1_000).default(5),
        /** Maker fee, % of notional (Kraken starter tier). */
        makerFeePct: pct(0, 5).default(0.25),
        /** Taker fee, % of notional (Kraken starter tier). */
        takerFeePct: pct(0, 5).default(0.4),
        /** Largest share of a candle's volume one fill may take; the rest stays open. */
        maxBarVolumeShare: z.number().gt(0).max(1).default(0.1),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type ExecutionConfig = z.infer<typeof ExecutionConfig>;
