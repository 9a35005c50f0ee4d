import type { PaperOrderRow } from '../../db/schema/paper-orders.ts';
import { ExchangeOrder } from '../exchange-port.ts';
import type { MatchableOrder } from './match-order.ts';
import { Decimal } from '../../model/decimal.ts';
import { toDecimalString } from './paper-decimal.ts';
import type { FundsOrder } from './paper-funds.ts';

/** Base units of the order still to fill. */
export function remainingOf(row: Pick<PaperOrderRow, 'quantity' | 'filledQuantity'>): string {
  return toDecimalString(new Decimal(row.quantity).minus(row.filledQuantity));
}

/**
 * The stored order as the exchange reports it; the average fill price is the filled notional
 * over the filled quantity (18 decimals), null before the first fill.
 *
 * @throws ZodError when the row does not fit `ExchangeOrder` (a bug, never the caller's input).
 */
export function toExchangeOrder(row: PaperOrderRow): ExchangeOrder {
  const filled = new Decimal(row.filledQuantity);
  return ExchangeOrder.parse({
    exchangeOrderId: row.exchangeOrderId,
    clientOrderId: row.clientOrderId,
    symbol: row.symbol,
    side: row.side,
    type: row.type,
    status: row.status,
    quantity: row.quantity,
    filledQuantity: row.filledQuantity,
    avgFillPrice: filled.isZero() ? null : toDecimalString(new Decimal(row.filledNotionalUsd).dividedBy(filled)),
    limitPrice: row.limitPrice,
    triggerPrice: row.triggerPrice,
    feeUsd: row.feeUsd,
    openedAtMs: row.openedAt.getTime(),
    updatedAtMs: row.updatedAt.getTime(),
  });
}

/** The stored order as the money rules see it. */
export function toFundsOrder(row: PaperOrderRow): FundsOrder {
  const order = toExchangeOrder(row);
  return {
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    remainingQuantity: remainingOf(row),
    holdPrice: row.holdPrice,
    leverage: row.leverage,
    reduceOnly: row.reduceOnly,
  };
}

/** The stored order as the matching engine sees it. */
export function toMatchableOrder(row: PaperOrderRow): MatchableOrder {
  const order = toExchangeOrder(row);
  return {
    side: order.side,
    type: order.type,
    remainingQuantity: remainingOf(row),
    limitPrice: order.limitPrice,
    triggerPrice: order.triggerPrice,
    triggered: row.triggered,
  };
}
