import type { z } from 'zod';
import { RegimeDetected } from './contract/regime-detected.ts';

/** What the regime agent produces: exactly the `regime.detected` payload. */
export const RegimeOutput = RegimeDetected.payload;
export type RegimeOutput = z.infer<typeof RegimeOutput>;
