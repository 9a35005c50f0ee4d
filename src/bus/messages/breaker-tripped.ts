import { z } from 'zod';
import { defineMessage } from '../define-message.ts';

/** A risk circuit breaker tripped; every replica obeys the action. */
export const BreakerTripped = defineMessage({
  type: 'risk.breaker_tripped',
  topic: 'risk_alerts',
  description: 'A risk circuit breaker tripped and its action is in force',
  payload: z
    .object({
      breaker: z.enum(['daily_loss', 'weekly_loss', 'drawdown']),
      action: z.enum(['pause_entries', 'reduce_positions', 'halt_and_close']),
      lossPct: z.number(),
      limitPct: z.number(),
    })
    .strict(),
});
