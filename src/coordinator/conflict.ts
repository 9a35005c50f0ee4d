import { z } from 'zod';

/** What disagrees: see `detectConflicts` for the rule behind each kind. */
export const ConflictKind = z.enum(['ta_vs_sentiment', 'against_regime', 'confidence_gap']);
export type ConflictKind = z.infer<typeof ConflictKind>;

/** Who disagrees: the signal under review or one of the analysis agents. */
export const ConflictParty = z.enum(['signal', 'ta', 'regime', 'sentiment']);
export type ConflictParty = z.infer<typeof ConflictParty>;

/** One disagreement found about a signal, for the resolver, the logs and the signal's record. */
export const Conflict = z
  .object({
    kind: ConflictKind,
    /** One line for people and for the resolver's prompt, with the values that disagree. */
    detail: z.string().min(1),
    between: z.tuple([ConflictParty, ConflictParty]),
  })
  .strict();
export type Conflict = z.infer<typeof Conflict>;
