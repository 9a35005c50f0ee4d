import { asc, eq } from 'drizzle-orm';
import { Side } from '../model/side.ts';
import type { Db } from '../db/open-database.ts';
import { paperBalances } from '../db/schema/paper-balances.ts';
import { paperFills } from '../db/schema/paper-fills.ts';
import { paperOrders } from '../db/schema/paper-orders.ts';
import type { Balances } from '../exchange/exchange-port.ts';
import { settleFill, type SettledFill } from '../exchange/paper/paper-funds.ts';
import { Dec } from '../positions/position-decimal.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import type { AuditContext } from './audit-context.ts';
import type { AuditViolation } from './audit-violation.ts';
import { PAPER_ONLY, type Invariant } from './invariant.ts';
import { toAuditRow } from './to-audit-row.ts';

const id = 'paper_balances_match_fills';

/**
 * The balances the paper fills make, from the starting cash (and nothing of any other asset),
 * settling each fill as the paper exchange does (`settleFill`: a buy adds the base quantity and
 * pays quantity × price + fee in cash, a sell the reverse and receives quantity × price − fee).
 * Pure; the fills in the order the exchange settled them.
 */
export function balancesFromFills(
  fills: readonly SettledFill[],
  paper: { startingCashUsd: string; cashAsset: string },
): Balances {
  let balances: Balances = { [paper.cashAsset]: paper.startingCashUsd };
  for (const fill of fills) balances = { ...balances, ...settleFill(balances, fill, paper.cashAsset) };
  return balances;
}

/**
 * Each paper balance is what the starting cash and the paper fills make it
 * (`balancesFromFills`): the cash asset's starts at `execution.paper.startingCashUsd`, every
 * other at 0, and only fills move them. A balance without a row is the starting cash for the
 * cash asset (as `readPaperBalances` reads it) and 0 for any other.
 */
export const paperBalancesMatchFills: Invariant = {
  id,
  accounts: PAPER_ONLY,
  async check(db: Db, context: AuditContext): Promise<AuditViolation[]> {
    const paper = context.paper;
    if (!paper)
      throw new TriplegainError(
        'CONFIG_INVALID',
        'auditing the paper balances needs the starting cash and the cash asset',
      );
    const fills = await db
      .select({
        symbol: paperFills.symbol,
        side: paperFills.side,
        quantity: paperFills.quantity,
        price: paperFills.price,
        feeUsd: paperFills.feeUsd,
      })
      .from(paperFills)
      .leftJoin(paperOrders, eq(paperOrders.exchangeOrderId, paperFills.exchangeOrderId))
      // As `onPrice` settled them: bar by bar, oldest order first within a bar.
      .orderBy(
        asc(paperFills.filledAt),
        asc(paperFills.barOpenTime),
        asc(paperOrders.openedAt),
        asc(paperFills.exchangeOrderId),
        asc(paperFills.fillId),
      );
    const settled = fills.map((f) => ({ ...f, side: Side.parse(f.side) }));
    const expected = balancesFromFills(settled, paper);
    const stored = await db.select({ asset: paperBalances.asset, total: paperBalances.total }).from(paperBalances);
    const actual: Balances = Object.fromEntries(stored.map((b) => [b.asset, b.total]));

    const assets = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    const violations: AuditViolation[] = [];
    for (const asset of assets) {
      const should = new Dec(expected[asset] ?? '0');
      const is = new Dec(actual[asset] ?? (asset === paper.cashAsset ? paper.startingCashUsd : '0'));
      if (is.eq(should)) continue;
      const difference = is.minus(should);
      violations.push({
        invariant: id,
        message: `The paper ${asset} balance is ${is.toFixed()}, but ${asset === paper.cashAsset ? `the starting ${paper.startingCashUsd} and ` : ''}the ${fills.length} paper fill${fills.length === 1 ? ' makes' : 's make'} it ${should.toFixed()} (${difference.isNegative() ? '' : '+'}${difference.toFixed()}).`,
        rows: [
          toAuditRow({
            asset,
            balance: actual[asset] ?? null,
            expected: should.toFixed(),
            difference: difference.toFixed(),
          }),
        ],
      });
    }
    return violations;
  },
};
