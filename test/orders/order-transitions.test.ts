import { describe, expect, it } from 'vitest';
import { OrderEventKind, transitionOrder } from '../../src/orders/order-event.ts';
import { OrderStatus, terminalOrderStatuses } from '../../src/model/order-status.ts';
import { TriplegainError } from '../../src/shared/triplegain-error.ts';

/** The whole table, written out again: every pair not listed here must throw. */
const allowed: Record<OrderStatus, Partial<Record<OrderEventKind, OrderStatus>>> = {
  created: { submit_started: 'submitting', denied: 'denied', canceled: 'canceled', found_open: 'open' },
  submitting: {
    accepted: 'open',
    rejected: 'rejected',
    outcome_unknown: 'unknown',
    found_open: 'open',
    not_found: 'created',
  },
  unknown: { found_open: 'open', not_found: 'created' },
  open: { partial_fill: 'partially_filled', fill: 'filled', canceled: 'canceled', expired: 'expired' },
  partially_filled: { partial_fill: 'partially_filled', fill: 'filled', canceled: 'canceled', expired: 'expired' },
  filled: {},
  canceled: { partial_fill: 'canceled', fill: 'filled' },
  expired: { partial_fill: 'expired', fill: 'filled' },
  rejected: {},
  denied: {},
};

describe('order transition table', () => {
  for (const status of OrderStatus.options) {
    for (const event of OrderEventKind.options) {
      const want = allowed[status][event];
      it(`${status} + ${event} → ${want ?? 'throws'}`, () => {
        if (want !== undefined) {
          expect(transitionOrder(status, event)).toBe(want);
          return;
        }
        let thrown: unknown;
        try {
          transitionOrder(status, event);
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toBeInstanceOf(TriplegainError);
        expect(thrown).toMatchObject({
          code: 'DATA_INVALID',
          retryable: false,
          message: `order: no transition from ${status} on ${event}`,
        });
      });
    }
  }

  it('never lets a birth event (created, adopted) move an existing order', () => {
    for (const status of OrderStatus.options) {
      expect(() => transitionOrder(status, 'created')).toThrow(TriplegainError);
      expect(() => transitionOrder(status, 'adopted')).toThrow(TriplegainError);
    }
  });

  it('never resends an order: submit_started is allowed from created only', () => {
    const from = OrderStatus.options.filter((s) => allowed[s].submit_started !== undefined);
    expect(from).toEqual(['created']);
  });

  it('leaves a terminal status only on a late fill of a canceled or expired order', () => {
    for (const status of terminalOrderStatuses) {
      const exits = OrderEventKind.options.filter((e) => allowed[status][e] !== undefined);
      expect(exits).toEqual(status === 'canceled' || status === 'expired' ? ['partial_fill', 'fill'] : []);
    }
  });
});
