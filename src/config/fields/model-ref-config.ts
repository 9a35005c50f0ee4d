import { z } from 'zod';

/** A model of the panel: a provider name from `llm.providers` (or the built-in `rules`) and a model id. */
export const ModelRefConfig = z
  .object({
    /** Key of `llm.providers`, or `rules` for the deterministic built-in model. */
    provider: z.string().min(1),
    /** Model id at that provider (`rules` for the built-in model). */
    model: z.string().min(1),
    /** Weight of this model's vote. */
    weight: z.number().min(0.01).max(10).default(1),
  })
  .strict();
export type ModelRefConfig = z.infer<typeof ModelRefConfig>;
