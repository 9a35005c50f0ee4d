import { z } from 'zod';
import { ProposalIntent } from '../../model/proposal-intent.ts';
import { Side } from '../../model/side.ts';
import { DecimalString } from '../../model/decimal-string.ts';
import { RiskAdjustment } from '../../model/risk-adjustment.ts';
import { RiskRuleName } from '../../model/risk-rule-name.ts';
import { defineMessage } from '../define-message.ts';

/**
 * The adjustment as approvals published before it carried units (`from`/`to`, both notionals in
 * the cash asset): read as the current shape so messages still in the streams across an upgrade
 * are consumed, not dead-lettered. Nothing publishes it.
 */
const UnitlessAdjustment = z
  .object({ rule: RiskRuleName, message: z.string().min(1), from: DecimalString, to: DecimalString })
  .strict()
  .transform(({ from, to, ...reason }): RiskAdjustment => ({ ...reason, fromNotionalUsd: from, toNotionalUsd: to }));

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
      intent: ProposalIntent,
      notionalUsd: DecimalString,
      quantity: DecimalString,
      adjustments: z.array(z.union([RiskAdjustment, UnitlessAdjustment])),
    })
    .strict(),
});
