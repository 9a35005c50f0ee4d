import type { z } from 'zod';
import { DecimalString } from './decimal-string.ts';
import { RiskReason } from './risk-reason.ts';

/**
 * A cap that shrank an approved order: its reason and the notional (in the cash asset) before
 * and after it. Stored with the decision and carried by `risk.order_approved`.
 */
export const RiskAdjustment = RiskReason.extend({
  fromNotionalUsd: DecimalString,
  toNotionalUsd: DecimalString,
}).strict();
export type RiskAdjustment = z.infer<typeof RiskAdjustment>;
