import { z } from 'zod';
import { BreakerAction } from '../model/breaker-action.ts';
import { BreakerName } from '../model/breaker-name.ts';
import { DecimalString } from '../model/decimal-string.ts';

/**
 * A breaker that has just tripped. The caller publishes it and carries out the action on the
 * positions (`reduce_positions`: close `reduceByPct` % of each; `halt_and_close`: close all);
 * the action's effect on the risk state is already applied.
 */
export const BreakerTrip = z
  .object({
    breaker: BreakerName,
    action: BreakerAction,
    /** Loss that tripped it, % of the period's start equity (of the peak for drawdown). */
    lossPct: DecimalString,
    /** The configured threshold, %. */
    thresholdPct: z.number(),
    /** Share of every position to close, %; meaningful for `reduce_positions`. */
    reduceByPct: z.number(),
    trippedAtMs: z.number().int().nonnegative(),
  })
  .strict();
export type BreakerTrip = z.infer<typeof BreakerTrip>;
