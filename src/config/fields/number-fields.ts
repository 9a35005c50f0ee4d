import { z } from 'zod';

/**
 * The numeric field builders of the config sections, in a folder that imports nothing of ours
 * so that a section defined beside its component (an agent's, say) validates its numbers the
 * same way and states the same allowed ranges.
 */

/** A whole number of milliseconds within [min, max]. */
export const durationMs = (min: number, max: number) => z.number().int().min(min).max(max);

/** A percentage (5 means 5 %) within [min, max]. */
export const pct = (min: number, max: number) => z.number().min(min).max(max);

/** A ratio within [min, max] (0.2 means 20 %). */
export const ratio = (min = 0, max = 1) => z.number().min(min).max(max);
