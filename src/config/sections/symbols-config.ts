import { z } from 'zod';
import { assetCode, tradingPair } from '../config-fields.ts';

/** The `symbols` section: what the system trades. */
export const SymbolsConfig = z
  .object({
    /** Pairs analysed and traded, as BASE/QUOTE (Kraken's XBT is written BTC). */
    pairs: z
      .array(tradingPair())
      .min(1)
      .max(50)
      .default(['BTC/USD', 'XRP/USD'])
      .superRefine((pairs, ctx) => {
        pairs.forEach((pair, index) => {
          if (pairs.indexOf(pair) !== index)
            ctx.addIssue({ code: 'custom', path: [index], message: `duplicate pair ${pair}` });
        });
      }),
    /** The asset the portfolio is valued in and that rebalancing treats as cash. */
    cashAsset: assetCode().default('USD'),
  })
  .strict();
export type SymbolsConfig = z.infer<typeof SymbolsConfig>;
