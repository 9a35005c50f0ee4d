import { z } from 'zod';

/** A level the system can degrade to, from mild to severe. */
export const DegradationLevel = z.enum(['NORMAL', 'REDUCED', 'LIMITED', 'EMERGENCY']);
export type DegradationLevel = z.infer<typeof DegradationLevel>;
