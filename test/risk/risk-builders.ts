import { expect } from 'vitest';
import type { z } from 'zod';
import { RiskConfig } from '../../src/config/sections/risk-config.ts';
import { evaluateRisk } from '../../src/risk/evaluate-risk.ts';
import { OrderProposal } from '../../src/risk/order-proposal.ts';
import { OpenPosition, RiskContext } from '../../src/risk/risk-context.ts';
import type { RiskApproval, RiskDecision, RiskDenial } from '../../src/risk/risk-decision.ts';
import type { RiskRuleName } from '../../src/model/risk-rule-name.ts';
import { initialRiskState, RiskState } from '../../src/risk/risk-state.ts';
import { buildRuleInput } from '../../src/risk/rules/build-rule-input.ts';
import type { RuleInput } from '../../src/risk/rules/risk-rule.ts';

/** Wednesday 2025-01-15 12:00 UTC. */
export const NOW_MS = Date.UTC(2025, 0, 15, 12);

/**
 * A buy entry of BTC/USD at 50000 with a stop 2 % below, 10 % of equity at 1x: with the
 * default context (equity 10000) a notional of 1000 that every default rule approves as is.
 */
export function aProposal(overrides: Partial<z.input<typeof OrderProposal>> = {}): OrderProposal {
  return OrderProposal.parse({
    proposalId: 'proposal-1',
    signalId: 'signal-1',
    correlationId: 'correlation-1',
    symbol: 'BTC/USD',
    side: 'buy',
    intent: 'entry',
    entryPrice: '50000',
    stopLoss: '49000',
    takeProfit: '53000',
    sizePct: 10,
    leverage: 1,
    confidence: 0.8,
    regime: 'ranging',
    createdAtMs: NOW_MS,
    ...overrides,
  });
}

/** A fresh ACTIVE state at equity 10000, now. */
export function aRiskState(overrides: Partial<z.input<typeof RiskState>> = {}): RiskState {
  return RiskState.parse({ ...initialRiskState('10000', NOW_MS), ...overrides });
}

export function aPosition(overrides: Partial<z.input<typeof OpenPosition>> = {}): OpenPosition {
  return OpenPosition.parse({ symbol: 'ETH/USD', side: 'long', notionalUsd: '1000', leverage: 1, ...overrides });
}

/**
 * Equity 10000, BTC/USD at 50000, no open position, a fresh state, now, on a margin account
 * (the rules of leverage and shorts are tested on one; `margin: false` is spot only).
 */
export function aRiskContext(overrides: Partial<z.input<typeof RiskContext>> = {}): RiskContext {
  return RiskContext.parse({
    equityUsd: '10000',
    marketPrice: '50000',
    openPositions: [],
    symbolEntries: 0,
    state: aRiskState(),
    clusterState: 'RUNNING',
    nowMs: NOW_MS,
    margin: true,
    ...overrides,
  });
}

/** The default risk config with the given settings over it. */
/**
 * The risk config the rule tests are written against: the defaults with a 20 % position cap
 * (the tests' arithmetic: equity 10000 → a position of at most 2000), then `overrides`.
 */
export function aRiskConfig(overrides: z.input<typeof RiskConfig> = {}): RiskConfig {
  return RiskConfig.parse({ maxPositionPct: 20, ...overrides });
}

/** evaluateRisk on builders: each argument overrides the builder's defaults. */
export function decide(
  proposal: Partial<z.input<typeof OrderProposal>> = {},
  context: Partial<z.input<typeof RiskContext>> = {},
  config: z.input<typeof RiskConfig> = {},
): RiskDecision {
  return evaluateRisk(aProposal(proposal), aRiskContext(context), aRiskConfig(config));
}

/** A rule's input built from builders, for calling one rule on its own (requested notional). */
export function aRuleInput(
  proposal: Partial<z.input<typeof OrderProposal>> = {},
  context: Partial<z.input<typeof RiskContext>> = {},
  config: z.input<typeof RiskConfig> = {},
): RuleInput {
  return buildRuleInput(aProposal(proposal), aRiskContext(context), aRiskConfig(config));
}

export function expectApproved(decision: RiskDecision): RiskApproval {
  if (decision.decision !== 'approved')
    expect.fail(`expected approval, got denial: ${JSON.stringify(decision.reasons)}`);
  return decision;
}

export function expectDenied(decision: RiskDecision): RiskDenial {
  if (decision.decision !== 'denied') expect.fail(`expected denial, got approval of ${decision.notionalUsd}`);
  return decision;
}

/** The rules that denied. */
export function deniedBy(decision: RiskDecision): RiskRuleName[] {
  return expectDenied(decision).reasons.map((r) => r.rule);
}

/** The rules that shrank the order, in order. */
export function cappedBy(decision: RiskDecision): RiskRuleName[] {
  return decision.adjustments.map((a) => a.rule);
}
