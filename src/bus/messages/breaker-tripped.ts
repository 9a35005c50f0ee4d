import { z } from 'zod';
import { BreakerAction } from '../../model/breaker-action.ts';
import { BreakerName } from '../../model/breaker-name.ts';
import { DecimalString } from '../../model/decimal-string.ts';
import { defineMessage } from '../define-message.ts';

/** A risk circuit breaker tripped; every replica obeys the action. */
export const BreakerTripped = defineMessage({
  type: 'risk.breaker_tripped',
  topic: 'risk_alerts',
  description: 'A risk circuit breaker tripped and its action is in force',
  payload: z
    .object({
      breaker: BreakerName,
      action: BreakerAction,
      /** The loss that tripped it, % (decimal string). */
      lossPct: DecimalString,
      /** The configured threshold, %. */
      thresholdPct: z.number(),
    })
    .strict(),
});
