import { z } from 'zod';
import { Side } from '../../model/side.ts';
import { DecimalString } from '../../model/decimal-string.ts';
import { defineMessage } from '../define-message.ts';

/** A change the risk engine made to an approved proposal. */
export const RiskAdjustment = z
  .object({ rule: z.string().min(1), message: z.string(), from: z.string(), to: z.string() })
  .strict();

/** The risk engine approved a proposal (possibly smaller); the execution job follows. */
export const OrderApproved = defineMessage({
  type: 'risk.order_approved',
  topic: 'risk_alerts',
  description: 'A proposal passed every risk rule; the approval names it and the size approved',
  payload: z
    .object({
      decisionId: z.string().min(1),
      proposalId: z.string().min(1),
      signalId: z.string().min(1),
      side: Side,
      intent: z.enum(['entry', 'exit']),
      notionalUsd: DecimalString,
      quantity: DecimalString,
      adjustments: z.array(RiskAdjustment),
    })
    .strict(),
});
