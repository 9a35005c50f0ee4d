import type { ExchangeOrder } from '../../src/exchange/exchange-port.ts';
import type { NewOrderInput } from '../../src/orders/new-order.ts';

let next = 0;

/** A unique client order id (UUID-shaped like `clientOrderIdOf`'s), so tests never collide. */
export function aClientOrderId(): string {
  next += 1;
  const n = `${process.pid.toString(16)}${Date.now().toString(16)}${next.toString(16).padStart(4, '0')}`
    .padStart(32, '0')
    .slice(-32);
  return `${n.slice(0, 8)}-${n.slice(8, 12)}-${n.slice(12, 16)}-${n.slice(16, 20)}-${n.slice(20)}`;
}

/** A unique Kraken-shaped exchange order id. */
export function anExchangeOrderId(): string {
  next += 1;
  return `O${next.toString(36).toUpperCase().padStart(5, '0')}-${process.pid.toString(36).toUpperCase()}-X`;
}

/** An entry order of 0.3 BTC that passes the real `NewOrder` parse; override what the test is about. */
export function aNewOrder(overrides: Partial<NewOrderInput> = {}): NewOrderInput {
  return {
    clientOrderId: aClientOrderId(),
    decisionId: 'appr-prop-1',
    proposalId: 'prop-1',
    correlationId: 'corr-1',
    symbol: 'BTC/USD',
    side: 'buy',
    type: 'market',
    intent: 'entry',
    purpose: 'entry',
    quantity: '0.3',
    exchange: 'kraken',
    ...overrides,
  };
}

/** The exchange's view of an order: open, nothing filled yet. */
export function anExchangeOrder(overrides: Partial<ExchangeOrder> = {}): ExchangeOrder {
  return {
    exchangeOrderId: anExchangeOrderId(),
    clientOrderId: null,
    symbol: 'BTC/USD',
    side: 'buy',
    type: 'market',
    status: 'open',
    quantity: '0.3',
    filledQuantity: '0',
    avgFillPrice: null,
    limitPrice: null,
    triggerPrice: null,
    feeUsd: '0',
    openedAtMs: 1_700_000_000_000,
    updatedAtMs: 1_700_000_060_000,
    ...overrides,
  };
}

/** A fill event of `quantity` at `price`. */
export function aFill(fillId: string, quantity: string, price: string, feeUsd = '0') {
  return { kind: 'fill' as const, fill: { fillId, quantity, price, feeUsd, filledAtMs: 1_700_000_030_000 } };
}
