import { z } from 'zod';

/**
 * A strategy of the panel: a TypeScript (or JavaScript) file whose default export is a
 * `Strategy` or a function of `params` making one (see `src/strategies/strategy.ts`).
 */
export const StrategyRefConfig = z
  .object({
    /** The file, absolute or relative to the project's root, e.g. `strategies/trend-follower.ts`. */
    strategy: z
      .string()
      .min(1)
      .regex(/\.(ts|mts|js|mjs)$/, 'expected a .ts, .mts, .js or .mjs file such as strategies/trend-follower.ts'),
    /** Handed to the file's default export when it is a function (a sweep varies these). */
    params: z.record(z.string(), z.unknown()).default({}),
    /** Weight of this strategy's vote. */
    weight: z.number().min(0.01).max(10).default(1),
  })
  .strict();
export type StrategyRefConfig = z.infer<typeof StrategyRefConfig>;
