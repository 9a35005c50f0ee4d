import { Decimal } from '../../model/decimal.ts';
import { z } from 'zod';
import { BreakerAction } from '../../model/breaker-action.ts';
import { decimalAmount, durationMs, pct, ratio } from '../config-fields.ts';

/**
 * A circuit breaker on a loss measure. It trips once: the daily and weekly breakers re-arm
 * when their UTC day or ISO week rolls over, the drawdown breaker only on a manual reset.
 * `pause_entries` lasts until the next 00:00 UTC; `reduce_positions` lasts until the
 * reduction is reported done; `halt` and `halt_and_close` last until a manual reset.
 */
function breaker(defaults: { thresholdPct: number; action: BreakerAction }) {
  return z
    .object({
      enabled: z.boolean().default(true),
      /** Loss, % of equity at the start of the period (or of the peak for drawdown), that trips it. */
      thresholdPct: pct(0.1, 100).default(defaults.thresholdPct),
      /** What happens when it trips. */
      action: BreakerAction.default(defaults.action),
      /** Share of every open position closed by `reduce_positions`, %. */
      reduceByPct: pct(1, 100).default(50),
    })
    .strict()
    .prefault({});
}

/** The `risk` section: limits every order must pass; no order reaches an exchange without approval. */
export const RiskConfig = z
  .object({
    /** Maximum leverage of a position; 5 is Kraken's spot margin maximum. */
    maxLeverage: z.number().min(1).max(5).default(5),
    /** Maximum size of one position, % of equity. */
    maxPositionPct: pct(0.1, 100).default(35),
    /** Maximum total exposure of all positions, % of equity (above 100 only with leverage). */
    maxExposurePct: pct(1, 500).default(80),
    /** Maximum number of open positions. */
    maxOpenPositions: z.number().int().min(1).max(100).default(4),
    /**
     * How many times a trade entry may add to a position of the same pair (an entry approved
     * while one is open or on its way); 0: one entry per position, a later BUY waits for it to close.
     */
    maxAddsPerPosition: z.number().int().min(0).max(1000).default(0),
    /** Largest notional of one order, in the cash asset (decimal string). */
    maxOrderNotionalUsd: decimalAmount({ min: '1', max: '10000000' }).default('10000'),
    /**
     * Share of the free cash a spot buy may not spend, %: kept for the fee and for slippage
     * between the proposal's price and the fill.
     */
    cashReservePct: pct(0, 50).default(1),
    /** Smallest notional of one order (below Kraken's minimums orders fail), decimal string. */
    minOrderUsd: decimalAmount({ min: '0', max: '1000000' }).default('10'),
    /**
     * Farthest a proposal's entry price may be from the latest market price, % of the market
     * price; farther is denied (`entry_deviation`). Orders are sized at the market price, never
     * at the proposal's: this catches a stale or wrong price before its stop and take profit,
     * set around it, are trusted. An exit of a position is exempt (it is sized by the position).
     */
    maxEntryDeviationPct: pct(0.01, 50).default(0.5),
    stopLoss: z
      .object({
        /** Deny any entry without a stop-loss. */
        required: z.boolean().default(true),
        /** Closest allowed stop from the entry, % (tighter stops are noise). */
        minDistancePct: pct(0, 50).default(0.5),
        /** Farthest allowed stop from the entry, %. */
        maxDistancePct: pct(0.1, 90).default(10),
      })
      .strict()
      .superRefine((s, ctx) => {
        if (s.minDistancePct > s.maxDistancePct) {
          ctx.addIssue({
            code: 'custom',
            path: ['minDistancePct'],
            message: `${s.minDistancePct} must not exceed maxDistancePct (${s.maxDistancePct})`,
          });
        }
      })
      .prefault({}),
    /** Loss if the stop-loss is hit, at most this % of equity (sizes the position). */
    riskPerTradePct: pct(0.01, 10).default(1),
    /** Signals below this confidence are denied. */
    minConfidence: ratio(0, 1).default(0.6),
    cooldown: z
      .object({
        /** Consecutive losing trades that start a cooldown (no new entries). */
        consecutiveLosses: z.number().int().min(1).max(100).default(3),
        /** Length of the cooldown. */
        durationMs: durationMs(60_000, 7 * 86_400_000).default(4 * 3_600_000),
      })
      .strict()
      .prefault({}),
    /**
     * Entries the symbol's market regime rules out. Exits are never affected. A long entry is
     * a `buy` entry, a short entry a `sell` entry.
     */
    regimeRules: z
      .object({
        /** Allow long entries while the regime is `trending_bear` (against the trend). */
        allowLongInTrendingBear: z.boolean().default(false),
        /** Allow short entries while the regime is `trending_bull` (against the trend). */
        allowShortInTrendingBull: z.boolean().default(false),
        /** Allow any entry while the regime is `volatile`. */
        allowEntriesInVolatile: z.boolean().default(false),
        /** Allow entries when the regime is unknown (none detected yet, or stale). */
        allowEntriesWhenUnknown: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    breakers: z
      .object({
        /** Loss since 00:00 UTC: pause new entries. */
        dailyLoss: breaker({ thresholdPct: 5, action: 'pause_entries' }),
        /** Loss since Monday 00:00 UTC: halve every position. */
        weeklyLoss: breaker({ thresholdPct: 10, action: 'reduce_positions' }),
        /** Drawdown from the equity peak: halt and close every position. */
        drawdown: breaker({ thresholdPct: 20, action: 'halt_and_close' }),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((r, ctx) => {
    const decimal = /^\d+(\.\d+)?$/;
    if (
      decimal.test(r.minOrderUsd) &&
      decimal.test(r.maxOrderNotionalUsd) &&
      new Decimal(r.minOrderUsd).gt(r.maxOrderNotionalUsd)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['minOrderUsd'],
        message: `"${r.minOrderUsd}" must not exceed maxOrderNotionalUsd ("${r.maxOrderNotionalUsd}")`,
      });
    }
    if (r.maxPositionPct > r.maxExposurePct) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxPositionPct'],
        message: `${r.maxPositionPct} must not exceed maxExposurePct (${r.maxExposurePct})`,
      });
    }
  });
export type RiskConfig = z.infer<typeof RiskConfig>;
