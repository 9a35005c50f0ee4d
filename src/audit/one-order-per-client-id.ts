import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { orders } from '../db/schema/orders.ts';
import { paperOrders } from '../db/schema/paper-orders.ts';
import type { AuditContext } from './audit-context.ts';
import type { AuditViolation } from './audit-violation.ts';
import { EVERY_ACCOUNT, type Invariant } from './invariant.ts';
import { toAuditRow } from './to-audit-row.ts';

const id = 'one_order_per_client_id';

/**
 * An order is recorded once: no two `orders` rows share a client order id (of any account: the
 * id is sent to the exchange and must name one order), no two of our orders point at one
 * exchange order (exchange, exchange order id), and, for the paper account, no two paper
 * exchange orders share a client order id. The primary key and unique indexes enforce all
 * three; the audit checks them anyway, for a database restored or migrated without them.
 */
export const oneOrderPerClientId: Invariant = {
  id,
  accounts: EVERY_ACCOUNT,
  async check(db: Db, context: AuditContext): Promise<AuditViolation[]> {
    const violations: AuditViolation[] = [];
    const orderColumns = {
      client_order_id: orders.clientOrderId,
      exchange: orders.exchange,
      exchange_order_id: orders.exchangeOrderId,
      symbol: orders.symbol,
      side: orders.side,
      purpose: orders.purpose,
      quantity: orders.quantity,
      status: orders.status,
    };

    const sharedClientIds = await db
      .select({ key: orders.clientOrderId })
      .from(orders)
      .groupBy(orders.clientOrderId)
      .having(sql`count(*) > 1`)
      .orderBy(asc(orders.clientOrderId));
    if (sharedClientIds.length > 0) {
      const rows = await db
        .select(orderColumns)
        .from(orders)
        .where(
          inArray(
            orders.clientOrderId,
            sharedClientIds.map((r) => r.key),
          ),
        )
        .orderBy(asc(orders.clientOrderId), asc(orders.createdAt));
      for (const { key } of sharedClientIds) {
        const same = rows.filter((r) => r.client_order_id === key);
        violations.push({
          invariant: id,
          message: `${same.length} orders share the client order id ${key}: the exchange would take them for one order.`,
          rows: same.map(toAuditRow),
        });
      }
    }

    const sharedExchangeIds = await db
      .select({ exchange: orders.exchange, exchangeOrderId: orders.exchangeOrderId })
      .from(orders)
      .where(isNotNull(orders.exchangeOrderId))
      .groupBy(orders.exchange, orders.exchangeOrderId)
      .having(sql`count(*) > 1`)
      .orderBy(asc(orders.exchange), asc(orders.exchangeOrderId));
    for (const shared of sharedExchangeIds) {
      const rows = await db
        .select(orderColumns)
        .from(orders)
        .where(and(eq(orders.exchange, shared.exchange), eq(orders.exchangeOrderId, shared.exchangeOrderId!)))
        .orderBy(asc(orders.clientOrderId));
      violations.push({
        invariant: id,
        message: `${rows.length} of our orders (${rows.map((r) => r.client_order_id).join(', ')}) are the one ${shared.exchange} order ${shared.exchangeOrderId}: its fills would be counted ${rows.length} times.`,
        rows: rows.map(toAuditRow),
      });
    }

    if (context.account === 'paper') {
      const sharedPaperIds = await db
        .select({ key: paperOrders.clientOrderId })
        .from(paperOrders)
        .groupBy(paperOrders.clientOrderId)
        .having(sql`count(*) > 1`)
        .orderBy(asc(paperOrders.clientOrderId));
      for (const { key } of sharedPaperIds) {
        const rows = await db
          .select({
            exchange_order_id: paperOrders.exchangeOrderId,
            client_order_id: paperOrders.clientOrderId,
            symbol: paperOrders.symbol,
            side: paperOrders.side,
            quantity: paperOrders.quantity,
            status: paperOrders.status,
          })
          .from(paperOrders)
          .where(eq(paperOrders.clientOrderId, key))
          .orderBy(asc(paperOrders.openedAt), asc(paperOrders.exchangeOrderId));
        violations.push({
          invariant: id,
          message: `The paper exchange holds ${rows.length} orders with the client order id ${key}: one order of ours was placed ${rows.length} times.`,
          rows: rows.map(toAuditRow),
        });
      }
    }
    return violations;
  },
};
