import { z } from 'zod';
import { ProposalIntent } from '../../model/proposal-intent.ts';
import { Side } from '../../model/side.ts';
import { defineMessage } from '../define-message.ts';

/** One reason a risk rule gave. */
export const RiskDenialReason = z.object({ rule: z.string().min(1), message: z.string().min(1) }).strict();

/** The risk engine denied a proposal: every reason, not only the first. */
export const OrderDenied = defineMessage({
  type: 'risk.order_denied',
  topic: 'risk_alerts',
  description: 'A proposal failed one or more risk rules; nothing goes to execution',
  payload: z
    .object({
      decisionId: z.string().min(1),
      proposalId: z.string().min(1),
      signalId: z.string().min(1),
      side: Side,
      intent: ProposalIntent,
      reasons: z.array(RiskDenialReason).min(1),
    })
    .strict(),
});
