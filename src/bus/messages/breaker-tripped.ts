import { z } from 'zod';
import { DecimalString } from '../../shared/decimal-string.ts';
import { defineMessage } from '../define-message.ts';

/** A risk circuit breaker tripped; every replica obeys the action. */
export const BreakerTripped = defineMessage({
  type: 'risk.breaker_tripped',
  topic: 'risk_alerts',
  description: 'A risk circuit breaker tripped and its action is in force',
  payload: z
    .object({
      breaker: z.enum(['dailyLoss', 'weeklyLoss', 'drawdown']),
      action: z.enum(['pause_entries', 'reduce_positions', 'halt', 'halt_and_close']),
      /** The loss that tripped it, % (decimal string). */
      lossPct: DecimalString,
      /** The configured threshold, %. */
      thresholdPct: z.number(),
    })
    .strict(),
});
