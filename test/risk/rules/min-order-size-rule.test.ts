import { describe, expect, it } from 'vitest';
import { decide, deniedBy, expectApproved, expectDenied } from '../risk-builders.ts';

describe('min order size rule', () => {
  it('approves exactly the minimum order (10)', () => {
    expect(expectApproved(decide({ sizePct: 0.1 })).notionalUsd).toBe('10');
  });

  it('denies just below the minimum order', () => {
    const decision = expectDenied(decide({ sizePct: 0.0999999999 }));
    expect(decision.reasons).toEqual([
      { rule: 'min_order_size', message: 'notional 9.99999999 is below the minimum order 10' },
    ]);
  });

  it('measures the order after its caps', () => {
    const decision = expectDenied(
      decide({}, { openPositions: [{ symbol: 'BTC/USD', side: 'long', notionalUsd: '1995', leverage: 1 }] }),
    );
    expect(decision.reasons.map((r) => r.rule)).toEqual(['min_order_size']);
    expect(decision.adjustments).toMatchObject([
      { rule: 'max_position_size', fromNotionalUsd: '1000', toNotionalUsd: '5' },
    ]);
  });

  it('applies to exits too', () => {
    const position = { symbol: 'BTC/USD', side: 'long' as const, notionalUsd: '9.99', leverage: 1 };
    expect(deniedBy(decide({ side: 'sell', intent: 'exit' }, { openPositions: [position] }))).toEqual([
      'min_order_size',
    ]);
  });

  it('follows the configured minimum', () => {
    expectApproved(decide({ sizePct: 5 }, {}, { minOrderUsd: '500' }));
    expect(deniedBy(decide({ sizePct: 4.99 }, {}, { minOrderUsd: '500' }))).toEqual(['min_order_size']);
  });
});
