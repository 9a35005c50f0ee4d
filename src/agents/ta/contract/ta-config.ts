import { z } from 'zod';
import { ANALYSIS_MIN_CANDLES } from '../../periods/analysis-periods.ts';

/** The `agents.ta` section. */
export const TaConfig = z
  .object({
    /**
     * Candles needed before TA and regime emit anything: at least `ANALYSIS_MIN_CANDLES`
     * (EMA(200) plus its warm-up), at most `marketData.historyCandles`.
     */
    minCandles: z.number().int().min(ANALYSIS_MIN_CANDLES).max(720).default(250),
  })
  .strict()
  .prefault({});
export type TaConfig = z.infer<typeof TaConfig>;
