import { z } from 'zod';
import { ExchangeName } from '../../model/exchange-name.ts';
import { decimalAmount, durationMs, httpUrl, pct, secret } from '../config-fields.ts';

/** Kraken's API tiers; the tier sets the decay of the shared rate-limit counter. */
export const KrakenTier = z.enum(['starter', 'intermediate', 'pro']);
export type KrakenTier = z.infer<typeof KrakenTier>;

/** The `execution` section: where approved orders go. */
export const ExecutionConfig = z
  .object({
    /** `paper` fills on the built-in paper exchange; `kraken` trades real money (`app.mode: live`). */
    exchange: ExchangeName.default('paper'),
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
        /**
         * Dead man's switch (`CancelAllOrdersAfter`), seconds; 0 disables. One worker, elected
         * by a lease in Redis, arms it and re-arms it every third of this (wall time); the
         * others stand by and take over when the lease lapses. A planned stop disarms it, so
         * orders (the resting stops) stay while no worker runs; when it fired, or may have,
         * every open position's stop is placed again before any entry is admitted.
         */
        deadManSwitchSec: z
          .number()
          .int()
          .min(0)
          .max(86_400)
          .refine((s) => s === 0 || s >= 15, 'expected 0 (off) or at least 15 seconds')
          .default(60),
        /**
         * Wall time the dead man's switch lease outlives a holder that stopped renewing it (it
         * died): a standby takes over and arms the switch within about 4/3 of this. At most
         * half of `deadManSwitchSec`, so that the switch is re-armed before it fires.
         */
        deadManSwitchLeaseMs: durationMs(1_000, 3_600_000).default(20_000),
        /**
         * Wall-time delays after an order was accepted by Kraken at which it is looked up by its
         * client id, until it is closed: its fills are learnt, the position updated and its
         * stop placed within seconds instead of at the next reconciliation. Empty: none.
         */
        orderFollowUpMs: z.array(durationMs(50, 10_000)).max(10).default([500, 1_000, 2_000]),
        /**
         * Interval of the periodic reconciliation with the exchange (wall time). It also bounds
         * how long a stop whose AddOrder got no answer waits to be found, or placed again.
         */
        reconcileIntervalMs: durationMs(5_000, 3_600_000).default(15_000),
        /**
         * Wall time a risk decision may answer from the account's balances read for an earlier
         * one (`BalanceEx`, one unit of the API counter a read): proposals a few seconds apart
         * share one read. What changed since is still counted: cash that approvals reserved or
         * released since then is held (it may be spent already). At least 1 s: the reads of
         * one decision (equity and free cash) share one.
         */
        balanceMaxAgeMs: durationMs(1_000, 60_000).default(10_000),
      })
      .strict()
      .refine((k) => k.deadManSwitchSec === 0 || k.deadManSwitchLeaseMs * 2 <= k.deadManSwitchSec * 1_000, {
        path: ['deadManSwitchLeaseMs'],
        message: 'expected at most half of deadManSwitchSec: a standby must take over before the switch fires',
      })
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
