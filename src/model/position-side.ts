import { z } from 'zod';

/** The direction of a position: long (holds the base asset) or short (owes it). */
export const PositionSide = z.enum(['long', 'short']);
export type PositionSide = z.infer<typeof PositionSide>;
