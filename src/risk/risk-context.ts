import { z } from 'zod';
import { tradingPair } from '../config/config-fields.ts';
import { DecimalString, NonNegativeDecimalString } from '../shared/decimal-string.ts';
import { RiskState } from './risk-state.ts';

/** One open position, as the portfolio sees it now. */
export const OpenPosition = z
  .object({
    symbol: tradingPair(),
    side: z.enum(['long', 'short']),
    /** Current notional (size × mark price) in the cash asset, decimal string. */
    notionalUsd: NonNegativeDecimalString,
    leverage: z.number().min(1),
  })
  .strict();
export type OpenPosition = z.infer<typeof OpenPosition>;

/**
 * What a risk decision needs besides the proposal. Loaded by the caller (portfolio, ticker,
 * persisted {@link RiskState}) and parsed once at the edge.
 */
export const RiskContext = z
  .object({
    /** Current equity in the cash asset, decimal string; zero or negative denies every order. */
    equityUsd: DecimalString,
    /** Latest price of the proposal's symbol, decimal string; zero or negative denies. */
    marketPrice: DecimalString,
    /** Open positions, at most one (net) per symbol. */
    openPositions: z.array(OpenPosition),
    /**
     * Cash a spot buy can spend now (`PortfolioReader.freeCashUsd`), decimal string; absent
     * when not known (then no buy is cut to it; the exchange still refuses what it cannot fund).
     */
    freeCashUsd: DecimalString.optional(),
    state: RiskState,
    nowMs: z.number().int().nonnegative(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.openPositions.forEach((p, index) => {
      if (seen.has(p.symbol)) ctx.addIssue({ code: 'custom', path: ['openPositions', index, 'symbol'], message: `${p.symbol} appears twice; expected one net position per symbol` });
      seen.add(p.symbol);
    });
  });
export type RiskContext = z.infer<typeof RiskContext>;
