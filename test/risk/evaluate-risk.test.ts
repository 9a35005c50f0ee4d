import { describe, expect, it } from 'vitest';
import { evaluateRisk } from '../../src/risk/evaluate-risk.ts';
import { RiskDecision } from '../../src/risk/risk-decision.ts';
import { RiskRuleName } from '../../src/model/risk-rule-name.ts';
import {
  aPosition,
  aProposal,
  aRiskConfig,
  aRiskContext,
  aRiskState,
  cappedBy,
  decide,
  deniedBy,
  expectApproved,
  expectDenied,
  NOW_MS,
} from './risk-builders.ts';

describe('evaluateRisk', () => {
  it('approves the default proposal as proposed', () => {
    expect(decide()).toEqual({
      decision: 'approved',
      proposalId: 'proposal-1',
      requestedNotionalUsd: '1000',
      notionalUsd: '1000',
      quantity: '0.02',
      sizePct: 10,
      adjustments: [],
    });
  });

  it('applies every cap, smallest wins, recording each one that shrank the order, chained from → to', () => {
    // Requested 6000: max order 10000 and exposure 8000 do not bind; risk per trade 5000 and position 2000 do.
    const approval = expectApproved(decide({ sizePct: 60 }));
    expect(approval.adjustments.map((a) => [a.rule, a.fromNotionalUsd, a.toNotionalUsd])).toEqual([
      ['risk_per_trade', '6000', '5000'],
      ['max_position_size', '5000', '2000'],
    ]);
    expect(approval).toMatchObject({
      requestedNotionalUsd: '6000',
      notionalUsd: '2000',
      quantity: '0.04',
      sizePct: 20,
    });
  });

  it('records only the first (in rule order) of two caps with the same limit', () => {
    const approval = expectApproved(decide({ sizePct: 30 }, {}, { maxOrderNotionalUsd: '2000' }));
    expect(approval.adjustments.map((a) => [a.rule, a.fromNotionalUsd, a.toNotionalUsd])).toEqual([
      ['max_position_size', '3000', '2000'],
    ]);
  });

  it('reports the effective margin share with leverage', () => {
    expect(expectApproved(decide({ sizePct: 10, leverage: 4 }))).toMatchObject({ notionalUsd: '2000', sizePct: 5 });
  });

  it('cuts the quantity to 8 decimals towards zero', () => {
    expect(expectApproved(decide({ entryPrice: '30000', stopLoss: '29400' }, { marketPrice: '30000' }))).toMatchObject({
      notionalUsd: '1000',
      quantity: '0.03333333',
    });
  });

  it('collects every denial reason, not only the first', () => {
    const state = aRiskState({ tradingState: 'HALTED', cooldownUntilMs: NOW_MS + 1, entriesPausedUntilMs: NOW_MS + 1 });
    const openPositions = ['ETH/USD', 'SOL/USD', 'XRP/USD', 'ADA/USD'].map((symbol) =>
      aPosition({ symbol, notionalUsd: '100' }),
    );
    const decision = decide(
      { leverage: 5, stopLoss: null, confidence: 0.1, regime: 'volatile', sizePct: 0.001 },
      { state, openPositions, marketPrice: '0' },
      { maxLeverage: 2 },
    );
    expect(deniedBy(decision)).toEqual([
      'trading_state',
      'positive_market_price',
      'min_order_size',
      'max_leverage',
      'max_open_positions',
      'stop_loss_required',
      'min_confidence',
      'regime',
      'cooldown',
      'entries_paused',
    ]);
  });

  it('reports sizing denials first, and the caps applied before a denial', () => {
    const decision = expectDenied(
      decide({ sizePct: 30, confidence: 0.5 }, { openPositions: [aPosition({ notionalUsd: '8000' })] }),
    );
    expect(decision.reasons.map((r) => r.rule)).toEqual(['max_exposure', 'min_confidence']);
    expect(cappedBy(decision)).toEqual(['max_position_size']);
  });

  it('approves no entry unless the cluster is RUNNING, and exits whatever its state', () => {
    for (const clusterState of ['PAUSED', 'HALTED'] as const) {
      expect(deniedBy(decide({}, { clusterState })), clusterState).toEqual(['cluster_state']);
      expect(
        expectApproved(
          decide(
            { side: 'sell', intent: 'exit', stopLoss: null },
            { clusterState, openPositions: [aPosition({ symbol: 'BTC/USD', notionalUsd: '3000' })] },
          ),
        ).decision,
      ).toBe('approved');
    }
    expect(expectApproved(decide({}, { clusterState: 'RUNNING' })).decision).toBe('approved');
  });

  it('never denies a protective exit for rules that guard new risk', () => {
    const state = aRiskState({ tradingState: 'HALTED', cooldownUntilMs: NOW_MS + 1, entriesPausedUntilMs: NOW_MS + 1 });
    const openPositions = ['ETH/USD', 'SOL/USD', 'XRP/USD', 'BTC/USD'].map((symbol) =>
      aPosition({ symbol, notionalUsd: '3000', leverage: 5 }),
    );
    const exit = {
      side: 'sell' as const,
      intent: 'exit' as const,
      leverage: 5,
      stopLoss: null,
      confidence: 0,
      regime: 'volatile' as const,
      sizePct: 6,
    };
    const config = {
      maxLeverage: 1,
      maxOpenPositions: 1,
      maxExposurePct: 10,
      maxPositionPct: 1,
      maxOrderNotionalUsd: '1',
      minOrderUsd: '0',
      riskPerTradePct: 0.01,
    };
    expect(expectApproved(decide(exit, { state, openPositions, clusterState: 'HALTED' }, config))).toMatchObject({
      notionalUsd: '3000',
      adjustments: [],
    });
  });

  it('produces decisions that parse as RiskDecision and name only known rules', () => {
    const decisions = [decide(), decide({ sizePct: 60 }), decide({ stopLoss: null, confidence: 0 })];
    for (const decision of decisions)
      expect(RiskDecision.parse(JSON.parse(JSON.stringify(decision)))).toEqual(decision);
    const denial = expectDenied(decisions[2]!);
    for (const reason of denial.reasons) expect(RiskRuleName.options).toContain(reason.rule);
  });

  it('leaves its inputs unchanged', () => {
    const proposal = aProposal({ sizePct: 60 });
    const context = aRiskContext({ openPositions: [aPosition()] });
    const config = aRiskConfig();
    const before = JSON.stringify([proposal, context, config]);
    evaluateRisk(proposal, context, config);
    expect(JSON.stringify([proposal, context, config])).toBe(before);
  });
});
