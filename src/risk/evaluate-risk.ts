import { Decimal } from '../model/decimal.ts';
import type { RiskConfig } from '../config/sections/risk-config.ts';
import { formatDecimal } from './format-decimal.ts';
import type { OrderProposal } from './order-proposal.ts';
import { atAllowedLeverage } from './at-allowed-leverage.ts';
import type { RiskContext } from './risk-context.ts';
import type { RiskDecision } from './risk-decision.ts';
import type { RiskAdjustment } from '../model/risk-adjustment.ts';
import type { RiskReason } from '../model/risk-reason.ts';
import { buildRuleInput } from './rules/build-rule-input.ts';
import type { RuleInput } from './rules/risk-rule.ts';
import { riskRules } from './rules/risk-rules.ts';
import { sizeQuantity } from './size-quantity.ts';

interface Cap {
  limit: Decimal;
  reason: RiskReason;
}

/**
 * Decides one order proposal. Pure and synchronous; expects input already parsed with
 * `OrderProposal`, `RiskContext` and `RiskConfig` (parse once at the edge, never here).
 *
 * 0. The leverage is the one the order will be sent with: snapped down to one the pair lists
 *    (`atAllowedLeverage`; none fits: `leverage_not_allowed` denies).
 * 1. Requested notional = equity × sizePct / 100 × leverage (decimal arithmetic), or the
 *    one the proposal names (`notionalUsd`, `exitPct`: see `buildRuleInput`).
 * 2. Every sizing rule sees the requested notional; the smallest cap wins. Every cap below
 *    the requested notional is recorded as an adjustment, largest first, chained from → to.
 * 3. The quantity is sized at the market price (`context.marketPrice`), never at the
 *    proposal's own price (`sizeQuantity`: an exit of a position by what is left of it).
 * 4. Every check rule sees the capped notional (cut to 8 decimals) and that quantity.
 * 5. Any denial (from sizing or checks) denies, with every reason, sizing ones first.
 *    Otherwise approved for that quantity (cut to 8 decimals) and notional.
 *
 * The breakers are not measured here: run `evaluateBreakers` on the same equity first so that
 * a breach is already in `context.state`.
 */
export function evaluateRisk(asked: OrderProposal, context: RiskContext, config: RiskConfig): RiskDecision {
  const proposal = atAllowedLeverage(asked, context.instrument);
  const sizingInput = buildRuleInput(proposal, context, config);
  const requested = sizingInput.notionalUsd;

  const reasons: RiskReason[] = [];
  const caps: Cap[] = [];
  for (const rule of riskRules.sizing) {
    const verdict = rule(sizingInput);
    if (verdict === undefined) continue;
    if ('deny' in verdict) reasons.push(verdict.deny);
    else caps.push({ limit: new Decimal(verdict.cap.notionalUsd), reason: verdict.cap.reason });
  }

  // Largest first (stable: rule order among equals), so each recorded cap really shrank it.
  caps.sort((a, b) => b.limit.comparedTo(a.limit));
  const adjustments: RiskAdjustment[] = [];
  let notional = requested;
  for (const cap of caps) {
    if (cap.limit.gte(notional)) continue;
    adjustments.push({
      ...cap.reason,
      fromNotionalUsd: formatDecimal(notional),
      toNotionalUsd: formatDecimal(cap.limit),
    });
    notional = cap.limit;
  }
  notional = notional.toDecimalPlaces(8, Decimal.ROUND_DOWN);
  const sized = sizeQuantity(sizingInput, notional);

  const checkInput: RuleInput = { ...sizingInput, notionalUsd: sized.notionalUsd, quantity: sized.quantity };
  for (const rule of riskRules.checks) {
    const verdict = rule(checkInput);
    if (verdict === undefined) continue;
    // Check rules only deny; a cap here would be a programming error, reported as a denial.
    reasons.push('deny' in verdict ? verdict.deny : verdict.cap.reason);
  }

  const requestedNotionalUsd = formatDecimal(requested);
  if (reasons.length > 0)
    return { decision: 'denied', proposalId: proposal.proposalId, requestedNotionalUsd, reasons, adjustments };
  return {
    decision: 'approved',
    proposalId: proposal.proposalId,
    requestedNotionalUsd,
    notionalUsd: sized.notionalUsd.toFixed(),
    quantity: formatDecimal(sized.quantity),
    sizePct:
      adjustments.length === 0 &&
      sized.notionalUsd.eq(notional) &&
      proposal.notionalUsd === undefined &&
      proposal.exitPct === undefined
        ? proposal.sizePct
        : sized.notionalUsd
            .div(sizingInput.equityUsd.times(proposal.leverage))
            .times(100)
            .toDecimalPlaces(6)
            .toNumber(),
    adjustments,
  };
}
