import type { Decimal } from '../../model/decimal.ts';
import type { RiskConfig } from '../../config/sections/risk-config.ts';
import type { OrderProposal } from '../order-proposal.ts';
import type { OpenPosition, RiskContext } from '../risk-context.ts';
import type { RiskReason } from '../../model/risk-reason.ts';

/**
 * What every rule sees: the parsed proposal, context and config, plus values derived once
 * per evaluation so that no rule re-parses or re-derives them.
 */
export interface RuleInput {
  readonly proposal: OrderProposal;
  readonly context: RiskContext;
  readonly config: RiskConfig;
  readonly equityUsd: Decimal;
  /**
   * The price the order is sized and measured at: the market's latest price
   * (`context.marketPrice`), never the proposal's. Quantity, notional and stop distance all
   * come from it. May be ≤ 0 (no market data): every rule that divides by it then passes, and
   * `positive_market_price` denies.
   */
  readonly entryPrice: Decimal;
  /** The proposal's own reference price (`proposal.entryPrice`): only `entry_deviation` looks at it. */
  readonly proposalPrice: Decimal;
  /** The requested notional in sizing rules; the notional after every cap in the others. */
  readonly notionalUsd: Decimal;
  /**
   * Base units: the requested notional at `entryPrice` in sizing rules; the quantity to be
   * approved in the others (`sizeQuantity`). Zero when there is no positive market price.
   */
  readonly quantity: Decimal;
  /** The open position of the proposal's symbol, if any. */
  readonly position: OpenPosition | undefined;
  /**
   * Whether the proposal is an exit of a position (intent `exit`, not a rebalance's sell, which
   * sells the core allocation): sized by the position, never past what is left of it.
   */
  readonly exitsPosition: boolean;
  /**
   * What an exit may still take of `position`, base units ≥ 0: its quantity less the exits
   * already in flight. Zero without a position.
   */
  readonly exitableQuantity: Decimal;
  /**
   * Whether the order only reduces exposure: intent `exit`, or an entry against the open
   * position of its symbol no larger than that position. Such orders skip every rule that
   * guards new risk (REDUCING, cooldown, pause, confidence, stop, regime, leverage, caps).
   */
  readonly reducesExposure: boolean;
}

/**
 * A rule's answer: nothing (passes), a denial, or a cap on the notional (sizing rules only;
 * `notionalUsd` is a decimal string in the cash asset, never above the exact limit).
 */
export type RuleVerdict = undefined | { deny: RiskReason } | { cap: { notionalUsd: string; reason: RiskReason } };

/** A pure risk rule. */
export type RiskRule = (input: RuleInput) => RuleVerdict;
