import type { OrderRow } from '../db/schema/orders.ts';
import type { SystemEventRow } from '../db/schema/system-events.ts';
import type { BudgetExhausted } from '../llm/daily-budget.ts';
import type { NewAlert } from './alert.ts';

/**
 * The alerts of events that are recorded outside the bus (an order event, a `system_events`
 * row written directly), each built where its event is recorded, from what was recorded.
 */
export const recordedEventAlerts = {
  /** The exchange refused an order (`placeOrderOnce`): its `rejected` order event. */
  orderRejected(
    order: Pick<OrderRow, 'clientOrderId' | 'symbol' | 'side' | 'purpose' | 'quantity' | 'correlationId'>,
    reason: string,
    atMs: number,
  ): NewAlert {
    return {
      kind: 'order_rejected',
      subject: order.symbol,
      severity: 'error',
      title: `${order.purpose} order rejected by the exchange: ${order.side} ${order.quantity} ${order.symbol}`,
      message: reason.slice(0, 2_000),
      details: {
        clientOrderId: order.clientOrderId,
        symbol: order.symbol,
        side: order.side,
        purpose: order.purpose,
        quantity: order.quantity,
      },
      occurrenceId: `order-rejected:${order.clientOrderId}`,
      occurredAtMs: atMs,
      correlationId: order.correlationId,
    };
  },

  /**
   * A position without its protective stop (`position.unprotected`), or entries held because
   * not every position could be re-protected (`positions.protection_pending`): the stored row.
   */
  positionUnprotected(row: SystemEventRow): NewAlert {
    const details = row.details;
    const subject =
      typeof details.symbol === 'string' ? `${String(details.account ?? '')}/${details.symbol}` : row.type;
    return {
      kind: 'position_unprotected',
      subject,
      severity: 'error',
      title:
        row.type === 'position.unprotected'
          ? `no stop rests for the ${subject} position`
          : 'entries held: not every open position has its stop',
      message: row.message.slice(0, 2_000),
      details,
      occurrenceId: `system-event:${row.id}`,
      occurredAtMs: row.occurredAt.getTime(),
      correlationId: row.correlationId,
    };
  },

  /** An approval that never became an order (`execution.approval_orphaned`): the stored row. */
  approvalOrphaned(row: SystemEventRow, symbol: string): NewAlert {
    return {
      kind: 'approval_orphaned',
      subject: symbol,
      severity: 'warning',
      title: `approval for ${symbol} never became an order`,
      message: row.message.slice(0, 2_000),
      details: row.details,
      occurrenceId: `system-event:${row.id}`,
      occurredAtMs: row.occurredAt.getTime(),
      correlationId: row.correlationId,
    };
  },

  /** The day's model budget is spent (told once per process and day: the day is the occurrence, so every process counts once). */
  modelBudgetSpent(event: BudgetExhausted): NewAlert {
    const day = new Date(event.dayStartMs).toISOString().slice(0, 10);
    return {
      kind: 'model_budget_spent',
      subject: day,
      severity: 'warning',
      title: `daily model budget spent (${event.spentUsd} of ${event.budgetUsd} USD)`,
      message: 'paid model calls are off until the next UTC day',
      details: { ...event, day },
      occurrenceId: `model-budget:${day}`,
      occurredAtMs: Date.now(),
      correlationId: null,
    };
  },
};
