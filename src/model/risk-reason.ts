import { z } from 'zod';
import { RiskRuleName } from './risk-rule-name.ts';

/** Why a rule denied or shrank an order; the message states the numbers it compared. */
export const RiskReason = z
  .object({
    rule: RiskRuleName,
    message: z.string().min(1),
  })
  .strict();
export type RiskReason = z.infer<typeof RiskReason>;
