import { z } from 'zod';
import { Severity } from '../../model/severity.ts';
import { defineMessage } from '../define-message.ts';

/** Something an operator should know about (also written to the `system_events` table). */
export const AlertRaised = defineMessage({
  type: 'system.alert_raised',
  topic: 'system_events',
  description: 'An operational alert: what happened, how bad, and the details',
  payload: z
    .object({
      severity: Severity,
      /** Stable, machine-readable: `bus.subscription_tripped`, `redis.eviction_policy`, … */
      code: z.string().regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/),
      message: z.string().min(1),
      details: z.record(z.string(), z.unknown()).default({}),
    })
    .strict(),
});
