import { z } from 'zod';
import { RiskAdjustment } from '../model/risk-adjustment.ts';
import { DecimalString } from '../model/decimal-string.ts';
import { RiskReason } from '../model/risk-reason.ts';

/**
 * The risk engine's answer to one proposal. Notionals are in the cash asset, decimal strings
 * cut to 8 decimals towards zero. `adjustments` lists, largest first, every cap that shrank
 * the requested notional; each one's `toNotionalUsd` is the next one's `fromNotionalUsd`.
 */
export const RiskDecision = z.discriminatedUnion('decision', [
  z
    .object({
      decision: z.literal('approved'),
      proposalId: z.string().min(1),
      /** equity × sizePct / 100 × leverage, as proposed. */
      requestedNotionalUsd: DecimalString,
      /** Notional approved, after every cap. */
      notionalUsd: DecimalString,
      /**
       * Base-asset quantity, cut to 8 decimals: notionalUsd at the market price (for an exit of
       * a position, at most what is left of it; see `sizeQuantity`).
       */
      quantity: DecimalString,
      /** Effective margin share of equity, %: notionalUsd / (equity × leverage) × 100. */
      sizePct: z.number(),
      adjustments: z.array(RiskAdjustment),
    })
    .strict(),
  z
    .object({
      decision: z.literal('denied'),
      proposalId: z.string().min(1),
      requestedNotionalUsd: DecimalString,
      /** Every rule that denied, in rule order (not just the first). */
      reasons: z.array(RiskReason).min(1),
      /** Caps applied before the denying rules ran (they may explain a denial). */
      adjustments: z.array(RiskAdjustment),
    })
    .strict(),
]);
export type RiskDecision = z.infer<typeof RiskDecision>;
export type RiskApproval = Extract<RiskDecision, { decision: 'approved' }>;
export type RiskDenial = Extract<RiskDecision, { decision: 'denied' }>;
