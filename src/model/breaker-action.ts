import { z } from 'zod';

/** What a tripped circuit breaker does. */
export const BreakerAction = z.enum(['pause_entries', 'reduce_positions', 'halt', 'halt_and_close']);
export type BreakerAction = z.infer<typeof BreakerAction>;
