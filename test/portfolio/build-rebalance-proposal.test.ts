import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { buildRebalanceProposal } from '../../src/portfolio/build-rebalance-proposal.ts';
import type { FittedTrade } from '../../src/portfolio/fit-leg-to-account.ts';
import { rebalanceIds } from '../../src/portfolio/rebalance-ids.ts';
import { evaluateRisk } from '../../src/risk/evaluate-risk.ts';
import { aRiskConfig, aRiskContext, deniedBy, expectApproved, NOW_MS } from '../risk/risk-builders.ts';

const trade = (overrides: Partial<FittedTrade> = {}): FittedTrade => ({
  symbol: 'BTC/USD',
  side: 'buy',
  quantity: '0.05',
  notionalUsd: '2500',
  price: '50000',
  ...overrides,
});
const propose = (t: FittedTrade, equityUsd = '19000') =>
  buildRebalanceProposal({
    rebalanceId: 'rebal-1',
    batchIndex: 2,
    correlationId: 'rebal-1',
    trade: t,
    equityUsd,
    nowMs: NOW_MS,
  });

describe('buildRebalanceProposal', () => {
  it('proposes a buy as an entry and a sell as an exit, for the purpose rebalance, with ids from the rebalance', () => {
    expect(propose(trade())).toEqual({
      proposalId: rebalanceIds.proposal('rebal-1', 2, 'BTC/USD', 'buy'),
      signalId: 'rebal-1',
      correlationId: 'rebal-1',
      symbol: 'BTC/USD',
      side: 'buy',
      intent: 'entry',
      purpose: 'rebalance',
      entryPrice: '50000',
      stopLoss: null,
      takeProfit: null,
      sizePct: 13.1578947368,
      leverage: 1,
      confidence: 1,
      regime: null,
      createdAtMs: NOW_MS,
    });
    expect(propose(trade({ side: 'sell' }))).toMatchObject({
      proposalId: 'rebal-1.b2.BTC-USD.sell',
      side: 'sell',
      intent: 'exit',
      purpose: 'rebalance',
    });
  });

  it('is sized so that the risk engine approves the trade, never more: no stop-loss needed for a rebalance', () => {
    const proposal = propose(trade());
    const config = aRiskConfig({ maxPositionPct: 45, maxExposurePct: 100 });
    const approval = expectApproved(evaluateRisk(proposal, aRiskContext({ equityUsd: '19000' }), config));
    expect(new Decimal(approval.quantity).lte('0.05')).toBe(true);
    expect(new Decimal(approval.quantity).gte('0.04999999')).toBe(true);
    expect(approval.adjustments).toEqual([]);
  });

  it('exempts only rebalancing from the stop-loss rules: the same buy as a plain entry is denied', () => {
    const config = aRiskConfig({ maxPositionPct: 45, maxExposurePct: 100 });
    const { purpose: _purpose, ...plainEntry } = propose(trade());
    expect(deniedBy(evaluateRisk(plainEntry, aRiskContext({ equityUsd: '19000' }), config))).toEqual([
      'stop_loss_required',
    ]);
    // A stop that is too close is no reason to refuse a rebalance either.
    expectApproved(
      evaluateRisk({ ...propose(trade()), stopLoss: '49999' }, aRiskContext({ equityUsd: '19000' }), config),
    );
    expect(
      deniedBy(evaluateRisk({ ...plainEntry, stopLoss: '49999' }, aRiskContext({ equityUsd: '19000' }), config)),
    ).toEqual(['stop_loss_distance']);
  });

  it('approves a rebalance sell without a position and leaves a strategy position out of its size', () => {
    const proposal = propose(trade({ side: 'sell' }));
    // The core allocation is no position: the sell passes at its size, fitted beforehand to what the core holds.
    const alone = expectApproved(evaluateRisk(proposal, aRiskContext({ equityUsd: '19000' }), aRiskConfig()));
    expect(alone.adjustments).toEqual([]);
    // Sized down to the satoshi, never above the trade.
    expect(alone.quantity).toBe('0.04999999');
    const position = { symbol: 'BTC/USD', side: 'long' as const, notionalUsd: '1000', leverage: 1 };
    expect(
      expectApproved(
        evaluateRisk(proposal, aRiskContext({ equityUsd: '19000', openPositions: [position] }), aRiskConfig()),
      ).quantity,
    ).toBe(alone.quantity);
  });

  it('refuses to size on equity that is not above zero', () => {
    expect(() => propose(trade(), '0')).toThrow();
  });
});
