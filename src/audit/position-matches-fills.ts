import { and, asc, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { fills } from '../db/schema/fills.ts';
import { orders } from '../db/schema/orders.ts';
import { positionFills } from '../db/schema/position-fills.ts';
import { positions } from '../db/schema/positions.ts';
import { applyFill, PositionFill } from '../positions/apply-fill.ts';
import type { Position } from '../positions/position.ts';
import { Dec } from '../positions/position-decimal.ts';
import { describeError } from '../shared/triplegain-error.ts';
import type { AuditContext } from './audit-context.ts';
import type { AuditViolation } from './audit-violation.ts';
import { EVERY_ACCOUNT, type Invariant } from './invariant.ts';
import { toAuditRow } from './to-audit-row.ts';

const id = 'position_matches_fills';

/** Where a symbol's replay ended: the net position, or why the fills could not be replayed. */
export type Replayed = { position: Position | null; fills: number } | { failure: string; fillId: string };

/**
 * Replays one symbol's fills, in the order given, through `applyFill` from no position. Pure.
 */
export function replayFills(taken: readonly { fillId: string; fill: unknown }[]): Replayed {
  let position: Position | null = null;
  for (const { fillId, fill } of taken) {
    const parsed = PositionFill.safeParse(fill);
    if (!parsed.success)
      return { failure: `it is not a valid fill (${parsed.error.issues[0]?.message ?? 'invalid'})`, fillId };
    try {
      position = applyFill(position, parsed.data).position;
    } catch (err) {
      return { failure: describeError(err), fillId };
    }
  }
  return { position, fills: taken.length };
}

/**
 * Every open position is what its fills make it: the account's fills that positions took in
 * (`position_fills` rows naming a position, with their fills and orders), replayed per symbol
 * through `applyFill` in the order `applyPendingFills` applies them (fill time, then the
 * order's creation, client order id, fill id), end at the stored open position's side and
 * quantity, or at no position when the symbol has none open. Fills not yet taken in (and a
 * rebalance's, taken in by no position) are `fill_applied_once`'s business.
 */
export const positionMatchesFills: Invariant = {
  id,
  accounts: EVERY_ACCOUNT,
  async check(db: Db, context: AuditContext): Promise<AuditViolation[]> {
    const taken = await db
      .select({ fill: fills, leverage: orders.leverage })
      .from(positionFills)
      .innerJoin(fills, eq(fills.fillId, positionFills.fillId))
      .innerJoin(orders, eq(orders.clientOrderId, fills.clientOrderId))
      .where(and(eq(orders.exchange, context.account), isNotNull(positionFills.positionId)))
      .orderBy(asc(fills.filledAt), asc(orders.createdAt), asc(fills.clientOrderId), asc(fills.fillId));
    const open = await db
      .select({
        position_id: positions.id,
        symbol: positions.symbol,
        side: positions.side,
        quantity: positions.quantity,
      })
      .from(positions)
      .where(and(eq(positions.account, context.account), eq(positions.status, 'open')));

    const symbols = [...new Set([...taken.map((t) => t.fill.symbol), ...open.map((p) => p.symbol)])].sort();
    const violations: AuditViolation[] = [];
    for (const symbol of symbols) {
      const ofSymbol = taken
        .filter((t) => t.fill.symbol === symbol)
        .map(({ fill, leverage }) => ({
          fillId: fill.fillId,
          fill: {
            symbol: fill.symbol,
            side: fill.side,
            quantity: fill.quantity,
            price: fill.price,
            feeUsd: fill.feeUsd,
            atMs: fill.filledAt.getTime(),
            leverage: Number(leverage),
          },
        }));
      const stored = open.find((p) => p.symbol === symbol) ?? null;
      const storedRow = stored
        ? [
            toAuditRow({
              from: 'stored',
              position_id: stored.position_id,
              fills: null,
              symbol,
              side: stored.side,
              quantity: stored.quantity,
            }),
          ]
        : [];
      const replayed = replayFills(ofSymbol);
      if ('failure' in replayed) {
        violations.push({
          invariant: id,
          message: `The ${symbol} fills taken into positions cannot be replayed: fill ${replayed.fillId} fails (${replayed.failure}).`,
          rows: storedRow,
        });
        continue;
      }
      const ended = replayed.position;
      const one = replayed.fills === 1;
      const fillCount = `${replayed.fills} fill${one ? '' : 's'}`;
      const [end, make] = one ? ['ends', 'makes'] : ['end', 'make'];
      const replayRow = toAuditRow({
        from: 'replayed',
        position_id: null,
        fills: replayed.fills,
        symbol,
        side: ended?.side ?? null,
        quantity: ended?.quantity ?? '0',
      });
      if (ended === null) {
        if (stored !== null) {
          violations.push({
            invariant: id,
            message: `The open ${stored.side} ${stored.quantity} ${symbol} position ${stored.position_id} is not what its fills make it: the ${fillCount} taken in ${end} with no position.`,
            rows: [...storedRow, replayRow],
          });
        }
      } else if (stored === null) {
        violations.push({
          invariant: id,
          message: `The ${fillCount} of ${symbol} taken into positions ${end} ${ended.side} ${ended.quantity}, but no ${symbol} position is open.`,
          rows: [replayRow],
        });
      } else if (ended.side !== stored.side || !new Dec(ended.quantity).eq(stored.quantity)) {
        violations.push({
          invariant: id,
          message: `The open ${symbol} position ${stored.position_id} is ${stored.side} ${stored.quantity}, but the ${fillCount} taken in ${make} it ${ended.side} ${ended.quantity}.`,
          rows: [...storedRow, replayRow],
        });
      }
    }
    return violations;
  },
};
