import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/open-database.ts';
import { orders } from '../db/schema/orders.ts';
import { positions } from '../db/schema/positions.ts';
import { reconcilableOrderStatuses } from '../model/order-status.ts';
import type { AuditContext } from './audit-context.ts';
import type { AuditViolation } from './audit-violation.ts';
import { EVERY_ACCOUNT, type Invariant } from './invariant.ts';
import { toAuditRow } from './to-audit-row.ts';

const id = 'position_protected';

/** The one field of a stored `protection` this invariant reads; anything else in it is left alone. */
const WatchedStop = z.object({ stopLoss: z.string().min(1).nullable().optional() }).loose();

/**
 * Every open position of the account has a stop: a working (`reconcilableOrderStatuses`)
 * order of purpose `stop_loss` for its symbol resting on the exchange, or a stop level in its
 * `protection.stopLoss` that the engine watches on every bar.
 */
export const positionProtected: Invariant = {
  id,
  accounts: EVERY_ACCOUNT,
  async check(db: Db, context: AuditContext): Promise<AuditViolation[]> {
    const open = await db
      .select({
        position_id: positions.id,
        symbol: positions.symbol,
        side: positions.side,
        quantity: positions.quantity,
        protection: positions.protection,
      })
      .from(positions)
      .where(and(eq(positions.account, context.account), eq(positions.status, 'open')))
      .orderBy(asc(positions.symbol));
    const stops = await db
      .select({ symbol: orders.symbol })
      .from(orders)
      .where(
        and(
          eq(orders.exchange, context.account),
          eq(orders.purpose, 'stop_loss'),
          inArray(orders.status, [...reconcilableOrderStatuses]),
        ),
      );
    const stopped = new Set(stops.map((s) => s.symbol));

    return open.flatMap((p) => {
      if (stopped.has(p.symbol)) return [];
      const watched = WatchedStop.safeParse(p.protection);
      if (watched.success && typeof watched.data.stopLoss === 'string') return [];
      return [
        {
          invariant: id,
          message: `The open ${p.side} position of ${p.quantity} ${p.symbol} (position ${p.position_id}) has no stop: no stop-loss order works on the exchange and the engine watches no stop level.`,
          rows: [toAuditRow(p)],
        },
      ];
    });
  },
};
