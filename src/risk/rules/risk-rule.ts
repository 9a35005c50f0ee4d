import type { Decimal } from 'decimal.js';
import type { RiskConfig } from '../../config/sections/risk-config.ts';
import type { OrderProposal } from '../order-proposal.ts';
import type { OpenPosition, RiskContext } from '../risk-context.ts';
import type { RiskReason } from '../risk-reason.ts';

/**
 * What every rule sees: the parsed proposal, context and config, plus values derived once
 * per evaluation so that no rule re-parses or re-derives them.
 */
export interface RuleInput {
  readonly proposal: OrderProposal;
  readonly context: RiskContext;
  readonly config: RiskConfig;
  readonly equityUsd: Decimal;
  readonly entryPrice: Decimal;
  /** The requested notional in sizing rules; the notional after every cap in the others. */
  readonly notionalUsd: Decimal;
  /** The open position of the proposal's symbol, if any. */
  readonly position: OpenPosition | undefined;
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
