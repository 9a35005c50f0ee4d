import { CoordinatorState } from '../model/coordinator-state.ts';
import { z } from 'zod';
import { PositionSide } from '../model/position-side.ts';
import { tradingPair } from '../config/config-fields.ts';
import { Instrument } from '../market/instrument.ts';
import { DecimalString, NonNegativeDecimalString } from '../model/decimal-string.ts';
import { RiskState } from './risk-state.ts';

/**
 * One open position, as the portfolio sees it now. The risk worker adds what an exit of the
 * proposal's symbol is sized by (`quantity`, `pendingExitQuantity`, `exitInFlight`), read in
 * the locked risk-state transaction; the portfolio's view of other symbols leaves them out.
 */
export const OpenPosition = z
  .object({
    symbol: tradingPair(),
    side: PositionSide,
    /** Current notional (size × mark price) in the cash asset, decimal string. */
    notionalUsd: NonNegativeDecimalString,
    leverage: z.number().min(1),
    /**
     * What is held, base units (fills recorded but not yet taken into the position counted);
     * absent: the notional at the market price.
     */
    quantity: NonNegativeDecimalString.optional(),
    /** Base units that exits already in flight will take (`pendingExitsOf`); absent: none. */
    pendingExitQuantity: NonNegativeDecimalString.optional(),
    /**
     * Whether an approved exit of the position is not done yet: it holds the position's one
     * exit claim (`order_reservations_one_exit_key`), so no second exit is approved beside it.
     */
    exitInFlight: z.boolean().optional(),
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
    /**
     * Latest price of the proposal's symbol, decimal string; zero or negative denies. Every
     * order is sized and measured at it, never at the proposal's own price.
     */
    marketPrice: DecimalString,
    /** Open positions, at most one (net) per symbol. */
    openPositions: z.array(OpenPosition),
    /**
     * Trade entries of the proposal's symbol that make up its open position or are on their
     * way into it (`entriesOfPosition`): filled entry orders, and approved entries not yet
     * filled. 0 when there are none. An entry is an add when this is above 0.
     */
    symbolEntries: z.number().int().nonnegative(),
    /**
     * Cash a spot buy can spend now, decimal string: the risk worker passes
     * `PortfolioReader.freeCashUsd` less the cash approved spot buys still hold
     * (`heldCashUsd`). Absent when not known (then no buy is cut to it; the exchange still
     * refuses what it cannot fund).
     */
    freeCashUsd: DecimalString.optional(),
    /**
     * The exchange's rules for the proposal's pair (lot, `ordermin`, `costmin`); absent when
     * unknown (then no minimum is checked here: the order path refuses a pair without rules).
     */
    instrument: Instrument.optional(),
    /**
     * Whether the account trades on margin (`execution.margin`); absent or false: spot only, so
     * no entry with leverage above 1 is approved.
     */
    margin: z.boolean().optional(),
    state: RiskState,
    /**
     * The cluster's trading state (the kill switch) as the control plane holds it: anything
     * but RUNNING denies every order that does not reduce exposure. A worker that cannot read
     * it builds no context (the proposal is denied as unread).
     */
    clusterState: CoordinatorState,
    nowMs: z.number().int().nonnegative(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.openPositions.forEach((p, index) => {
      if (seen.has(p.symbol))
        ctx.addIssue({
          code: 'custom',
          path: ['openPositions', index, 'symbol'],
          message: `${p.symbol} appears twice; expected one net position per symbol`,
        });
      seen.add(p.symbol);
    });
  });
export type RiskContext = z.infer<typeof RiskContext>;
