import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { positions } from '../db/schema/positions.ts';
import { Dec } from '../positions/position-decimal.ts';
import type { AuditContext } from './audit-context.ts';
import type { AuditViolation } from './audit-violation.ts';
import { EVERY_ACCOUNT, type Invariant } from './invariant.ts';
import { toAuditRow } from './to-audit-row.ts';

const id = 'spot_never_short';

/** No open short position at leverage 1: spot sells only what the account holds; a short needs margin. */
export const spotNeverShort: Invariant = {
  id,
  accounts: EVERY_ACCOUNT,
  async check(db: Db, context: AuditContext): Promise<AuditViolation[]> {
    const shorts = await db
      .select({
        position_id: positions.id,
        symbol: positions.symbol,
        side: positions.side,
        quantity: positions.quantity,
        leverage: positions.leverage,
        opened_at: positions.openedAt,
      })
      .from(positions)
      .where(and(eq(positions.account, context.account), eq(positions.status, 'open'), eq(positions.side, 'short')))
      .orderBy(asc(positions.symbol));
    return shorts
      .filter((p) => new Dec(p.leverage).lte(1))
      .map((p) => ({
        invariant: id,
        message: `The open ${p.symbol} position ${p.position_id} is short ${p.quantity} at leverage ${p.leverage}: spot cannot sell what the account does not hold.`,
        rows: [toAuditRow(p)],
      }));
  },
};
