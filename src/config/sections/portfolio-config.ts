import { z } from 'zod';
import { assetCode, decimalAmount, durationMs, pct } from '../config-fields.ts';

const TARGET_SUM_TOLERANCE_PCT = 0.01;

/** The `portfolio` section: target allocation and rebalancing. */
export const PortfolioConfig = z
  .object({
    /** Target share of equity per asset, %; must sum to 100. The cash asset is one of them. */
    targets: z
      .record(assetCode(), pct(0, 100))
      .default({ BTC: 33.33, XRP: 33.33, USD: 33.34 })
      .superRefine((targets, ctx) => {
        const sum = Object.values(targets).reduce((a, b) => a + b, 0);
        if (Math.abs(sum - 100) > TARGET_SUM_TOLERANCE_PCT) {
          ctx.addIssue({
            code: 'custom',
            message: `targets sum to ${Number(sum.toFixed(4))} (allowed 100 ± ${TARGET_SUM_TOLERANCE_PCT})`,
          });
        }
      }),
    /** Rebalance when an asset drifts this many percentage points from its target. */
    rebalanceThresholdPct: pct(0.1, 50).default(5),
    /** Rebalance trades smaller than this are skipped, in the cash asset (decimal string). */
    minTradeUsd: decimalAmount({ min: '0', max: '1000000' }).default('10'),
    /** Amounts per asset kept out of rebalancing and never sold (decimal strings). */
    hodlBags: z.record(assetCode(), decimalAmount()).default({}),
    dca: z
      .object({
        /** A rebalance larger than this (cash asset, decimal string) is split into batches. */
        aboveUsd: decimalAmount({ min: '0' }).default('1000'),
        /** Number of batches of a split rebalance. */
        batches: z.number().int().min(2).max(100).default(4),
        /** Delay between batches (delayed jobs). */
        intervalMs: durationMs(60_000, 7 * 86_400_000).default(3_600_000),
      })
      .strict()
      .prefault({}),
    /**
     * Width of one slot of `portfolio_snapshots`: the account keeps one row per slot (the
     * latest valuation taken in it), whichever process or bar took it.
     */
    snapshotIntervalMs: durationMs(60_000, 86_400_000).default(3_600_000),
  })
  .strict();
export type PortfolioConfig = z.infer<typeof PortfolioConfig>;
