import { z } from 'zod';

/** An operator (or breaker, or degradation) command. */
export const ControlCommand = z.enum(['pause', 'resume', 'halt', 'reset']);
export type ControlCommand = z.infer<typeof ControlCommand>;
