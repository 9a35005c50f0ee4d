import { describe, expect, it } from 'vitest';
import { orderStatuses, type OrderStatus } from '../../src/model/order-status.ts';
import { settleTrade, type TradeTrail } from '../../src/portfolio/settle-trade.ts';

const trail = (overrides: Partial<TradeTrail> = {}): TradeTrail => ({
  decision: null,
  riskJob: { state: 'waiting', decision: null },
  order: null,
  executionJobState: null,
  ...overrides,
});
const withOrder = (status: OrderStatus, filledQuantity = '0') =>
  trail({ decision: 'approved', order: { status, filledQuantity } });

describe('settleTrade', () => {
  it('waits for the risk decision, and ends with a denial, stored or only answered', () => {
    expect(settleTrade(trail())).toEqual({ status: 'pending' });
    expect(settleTrade(trail({ riskJob: { state: 'delayed', decision: null } }))).toEqual({ status: 'pending' });
    expect(settleTrade(trail({ decision: 'denied' }))).toEqual({
      status: 'settled',
      outcome: 'denied',
      filledQuantity: '0',
    });
    expect(settleTrade(trail({ riskJob: { state: 'completed', decision: 'denied' } }))).toEqual({
      status: 'settled',
      outcome: 'denied',
      filledQuantity: '0',
    });
    expect(settleTrade(trail({ riskJob: { state: 'failed', decision: null } }))).toEqual({
      status: 'settled',
      outcome: 'failed',
      filledQuantity: '0',
    });
  });

  it('waits for the order of an approval, unless its execution job failed without one', () => {
    expect(settleTrade(trail({ decision: 'approved' }))).toEqual({ status: 'pending' });
    expect(settleTrade(trail({ decision: 'approved', executionJobState: 'active' }))).toEqual({ status: 'pending' });
    expect(settleTrade(trail({ decision: 'approved', executionJobState: 'failed' }))).toEqual({
      status: 'settled',
      outcome: 'failed',
      filledQuantity: '0',
    });
  });

  it('settles on every terminal order status and on no other', () => {
    const expected: Record<OrderStatus, string> = {
      created: 'pending',
      submitting: 'pending',
      unknown: 'pending',
      open: 'pending',
      partially_filled: 'pending',
      filled: 'filled',
      canceled: 'canceled',
      expired: 'expired',
      rejected: 'rejected',
      denied: 'refused',
    };
    for (const status of orderStatuses) {
      const s = settleTrade(withOrder(status, '0.1'));
      expect(s.status === 'pending' ? 'pending' : s.outcome, status).toBe(expected[status]);
    }
    expect(settleTrade(withOrder('canceled', '0.04'))).toEqual({
      status: 'settled',
      outcome: 'canceled',
      filledQuantity: '0.04',
    });
  });
});
