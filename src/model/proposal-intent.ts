import { z } from 'zod';

/** What a proposal does to its position: `entry` opens or adds to one, `exit` reduces or closes it. */
export const ProposalIntent = z.enum(['entry', 'exit']);
export type ProposalIntent = z.infer<typeof ProposalIntent>;
