import { z } from 'zod';

/** The risk engine's answer to a proposal: approved (possibly smaller) or denied. */
export const RiskVerdict = z.enum(['approved', 'denied']);
export type RiskVerdict = z.infer<typeof RiskVerdict>;
