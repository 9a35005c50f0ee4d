import { z } from 'zod';

/** Why the degradation level moved: a run of failures or of successes, or the daily model budget. */
export const DegradationReason = z.enum(['failures', 'successes', 'budget_spent']);
export type DegradationReason = z.infer<typeof DegradationReason>;
