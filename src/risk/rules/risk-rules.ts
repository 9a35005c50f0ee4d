import { cooldownRule } from './cooldown-rule.ts';
import { entriesPausedRule } from './entries-paused-rule.ts';
import { entryDeviationRule } from './entry-deviation-rule.ts';
import { exitWithinPositionRule } from './exit-within-position-rule.ts';
import { freeCashRule } from './free-cash-rule.ts';
import { instrumentMinimumRule } from './instrument-minimum-rule.ts';
import { maxExposureRule } from './max-exposure-rule.ts';
import { leverageNotAllowedRule } from './leverage-not-allowed-rule.ts';
import { marginOffRule } from './margin-off-rule.ts';
import { maxLeverageRule } from './max-leverage-rule.ts';
import { maxAddsRule } from './max-adds-rule.ts';
import { maxOpenPositionsRule } from './max-open-positions-rule.ts';
import { maxOrderNotionalRule } from './max-order-notional-rule.ts';
import { maxPositionSizeRule } from './max-position-size-rule.ts';
import { minConfidenceRule } from './min-confidence-rule.ts';
import { minOrderSizeRule } from './min-order-size-rule.ts';
import { positiveEquityRule } from './positive-equity-rule.ts';
import { positiveMarketPriceRule } from './positive-market-price-rule.ts';
import { positiveSizeRule } from './positive-size-rule.ts';
import { regimeRule } from './regime-rule.ts';
import { riskPerTradeRule } from './risk-per-trade-rule.ts';
import { spotShortRule } from './spot-short-rule.ts';
import type { RiskRule } from './risk-rule.ts';
import { stopLossDistanceRule } from './stop-loss-distance-rule.ts';
import { stopLossRequiredRule } from './stop-loss-required-rule.ts';
import { clusterStateRule } from './cluster-state-rule.ts';
import { tradingStateRule } from './trading-state-rule.ts';

/**
 * Every risk rule, in the order their reasons are reported. `sizing` rules see the requested
 * notional and may cap it (or deny when nothing fits); `checks` see the notional after every
 * cap and only deny.
 */
export const riskRules: { readonly sizing: readonly RiskRule[]; readonly checks: readonly RiskRule[] } = {
  sizing: [
    exitWithinPositionRule,
    maxPositionSizeRule,
    maxExposureRule,
    maxOrderNotionalRule,
    riskPerTradeRule,
    freeCashRule,
  ],
  checks: [
    clusterStateRule,
    tradingStateRule,
    positiveEquityRule,
    positiveMarketPriceRule,
    entryDeviationRule,
    positiveSizeRule,
    minOrderSizeRule,
    instrumentMinimumRule,
    maxLeverageRule,
    marginOffRule,
    leverageNotAllowedRule,
    spotShortRule,
    maxOpenPositionsRule,
    maxAddsRule,
    stopLossRequiredRule,
    stopLossDistanceRule,
    minConfidenceRule,
    regimeRule,
    cooldownRule,
    entriesPausedRule,
  ],
};
