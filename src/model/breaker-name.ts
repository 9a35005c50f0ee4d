import { z } from 'zod';

/** The circuit breakers, named as in `risk.breakers`. */
export const BreakerName = z.enum(['dailyLoss', 'weeklyLoss', 'drawdown']);
export type BreakerName = z.infer<typeof BreakerName>;
