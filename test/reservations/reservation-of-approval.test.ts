import { describe, expect, it } from 'vitest';
import { clientOrderIdOf } from '../../src/model/client-order-id.ts';
import { reservationOfApproval } from '../../src/reservations/reservation-of-approval.ts';
import type { RiskApproval } from '../../src/risk/risk-decision.ts';
import { aProposal } from '../risk/risk-builders.ts';

const approval: RiskApproval = {
  decision: 'approved',
  proposalId: 'proposal-1',
  requestedNotionalUsd: '1000',
  notionalUsd: '990',
  quantity: '0.0198',
  sizePct: 9.9,
  adjustments: [],
};
const reserve = (proposal: Parameters<typeof aProposal>[0], positionId: number | null = null) =>
  reservationOfApproval({
    decisionId: 'appr-proposal-1',
    proposal: aProposal(proposal),
    approval,
    account: 'paper',
    positionId,
    cashReservePct: 1,
  });

describe('reservationOfApproval', () => {
  it('holds cash for a spot buy: its notional grossed up by the reserve, under the order execution places', () => {
    expect(reserve({})).toEqual({
      decisionId: 'appr-proposal-1',
      clientOrderId: clientOrderIdOf('proposal-1', 'entry'),
      account: 'paper',
      symbol: 'BTC/USD',
      kind: 'cash',
      amount: '1000',
      positionId: null,
    });
    expect(reserve({ purpose: 'rebalance', stopLoss: null })).toMatchObject({
      kind: 'cash',
      clientOrderId: clientOrderIdOf('proposal-1', 'rebalance'),
    });
  });

  it("holds an exit's quantity and its position's claim", () => {
    expect(reserve({ side: 'sell', intent: 'exit' }, 42)).toMatchObject({
      kind: 'exit',
      amount: '0.0198',
      positionId: 42,
      clientOrderId: clientOrderIdOf('proposal-1', 'exit'),
    });
  });

  it("holds nothing for a margin entry or a rebalance's sell", () => {
    expect(reserve({ leverage: 2 })).toBeNull();
    expect(reserve({ side: 'sell', intent: 'exit', purpose: 'rebalance' })).toBeNull();
  });
});
