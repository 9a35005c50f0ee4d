import { eq } from 'drizzle-orm';
import type { DbTransaction } from '../../db/open-database.ts';
import { paperFills } from '../../db/schema/paper-fills.ts';
import { paperOrders, type PaperOrderRow } from '../../db/schema/paper-orders.ts';
import { Decimal } from '../../model/decimal.ts';
import type { PriceBar } from '../../model/price-bar.ts';
import type { Balances } from '../exchange-port.ts';
import { krakenStyleId } from './kraken-style-id.ts';
import { feeUsdFor, matchOrder } from './match-order.ts';
import { toDecimalString } from './paper-decimal.ts';
import type { PaperExchangeConfig } from './paper-exchange.ts';
import { PaperFill } from './paper-fill.ts';
import { availableBalances, feePctFor, fundableQuantity, type FundsOrder } from './paper-funds.ts';
import { remainingOf, toMatchableOrder } from './paper-order-row.ts';

/** One open order and the bar it meets, in `onPrice`'s transaction. */
export interface PaperOrderOnBar {
  row: PaperOrderRow;
  bar: PriceBar;
  /** The account's balances before this order's fill. */
  balances: Balances;
  /** What every open order still holds, by exchange order id; updated for this one. */
  holds: Map<string, FundsOrder>;
  nowMs: number;
}

/**
 * Matches one order against the bar and stores the outcome (fill, order update); returns the
 * fill or null. Updates `holds` for the order.
 */
export async function fillPaperOrder(
  tx: DbTransaction,
  config: PaperExchangeConfig,
  { row, bar, balances, holds, nowMs }: PaperOrderOnBar,
): Promise<PaperFill | null> {
  const match = matchOrder(toMatchableOrder(row), bar, config);
  const barTime = new Date(bar.openTimeMs);
  const orderId = eq(paperOrders.exchangeOrderId, row.exchangeOrderId);
  if (!match.filled) {
    // A stop whose trigger was crossed stays triggered (it trades at market from now on).
    if (match.triggered !== row.triggered) {
      await tx
        .update(paperOrders)
        .set({ triggered: match.triggered, lastBarOpenTime: barTime, updatedAt: new Date(nowMs) })
        .where(orderId);
    }
    return null;
  }

  const own = holds.get(row.exchangeOrderId)!;
  holds.delete(row.exchangeOrderId);
  const available = availableBalances(balances, [...holds.values()], config);
  const quantity = fundableQuantity(own, match.quantity, match.price, available, config);
  const funded = new Decimal(quantity).equals(match.quantity);
  if (new Decimal(quantity).isZero()) {
    await tx
      .update(paperOrders)
      .set({ status: 'canceled', lastBarOpenTime: barTime, updatedAt: new Date(nowMs), closedAt: new Date(nowMs) })
      .where(orderId);
    return null;
  }

  const feeUsd = funded ? match.feeUsd : feeUsdFor(quantity, match.price, feePctFor(own.type, config));
  const filledQuantity = toDecimalString(new Decimal(row.filledQuantity).plus(quantity));
  const remaining = remainingOf({ quantity: row.quantity, filledQuantity });
  const status = new Decimal(remaining).isZero() ? 'closed' : funded ? 'open' : 'canceled';
  await tx
    .update(paperOrders)
    .set({
      status,
      filledQuantity,
      filledNotionalUsd: toDecimalString(
        new Decimal(row.filledNotionalUsd).plus(new Decimal(quantity).times(match.price)),
      ),
      feeUsd: toDecimalString(new Decimal(row.feeUsd).plus(feeUsd)),
      triggered: match.triggered,
      lastBarOpenTime: barTime,
      updatedAt: new Date(nowMs),
      closedAt: status === 'open' ? null : new Date(nowMs),
    })
    .where(orderId);
  if (status === 'open') holds.set(row.exchangeOrderId, { ...own, remainingQuantity: remaining });

  const fill = PaperFill.parse({
    fillId: krakenStyleId('T', `${row.clientOrderId}|${bar.openTimeMs}`),
    exchangeOrderId: row.exchangeOrderId,
    clientOrderId: row.clientOrderId,
    symbol: row.symbol,
    side: row.side,
    quantity,
    price: match.price,
    feeUsd,
    atMs: nowMs,
  });
  await tx.insert(paperFills).values({
    fillId: fill.fillId,
    exchangeOrderId: fill.exchangeOrderId,
    clientOrderId: fill.clientOrderId,
    symbol: fill.symbol,
    side: fill.side,
    quantity: fill.quantity,
    price: fill.price,
    liquidity: match.liquidity,
    feeUsd: fill.feeUsd,
    barOpenTime: barTime,
    filledAt: new Date(nowMs),
  });
  return fill;
}
