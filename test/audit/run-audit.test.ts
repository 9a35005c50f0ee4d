import { eq, sql } from 'drizzle-orm';
import { describe, expect, it as base } from 'vitest';
import type { AuditReport } from '../../src/audit/audit-report.ts';
import { runAudit } from '../../src/audit/run-audit.ts';
import type { Db } from '../../src/db/open-database.ts';
import { orderReservations } from '../../src/db/schema/order-reservations.ts';
import { orders } from '../../src/db/schema/orders.ts';
import { paperFills } from '../../src/db/schema/paper-fills.ts';
import { paperOrders } from '../../src/db/schema/paper-orders.ts';
import { positionFills } from '../../src/db/schema/position-fills.ts';
import { positions } from '../../src/db/schema/positions.ts';
import { riskDecisions } from '../../src/db/schema/risk-decisions.ts';
import { createTestDatabase } from '../support/test-database.ts';
import {
  aPaperOrderRow,
  anOrderRow,
  BOOK,
  PAPER,
  setPaperBalances,
  T0,
  writeCleanBook,
  writeTakenInFill,
} from './audit-builders.ts';

/** Every test gets a migrated schema of its own holding the clean book; it breaks one thing. */
const it = base.extend<{ db: Db; positionId: number }>({
  // eslint-disable-next-line no-empty-pattern
  db: async ({}, use) => {
    const t = await createTestDatabase('postgres');
    try {
      await use(t.db);
    } finally {
      await t.cleanup();
    }
  },
  positionId: async ({ db }, use) => {
    const { positionId } = await writeCleanBook(db);
    await use(positionId);
  },
});

const HOUR_MS = 3_600_000;

/** The one invariant the report says is broken, with its violations; fails on any other. */
function onlyViolated(report: AuditReport, invariant: string) {
  expect(report.violations.map((v) => v.invariant)).toEqual(report.violations.map(() => invariant));
  expect(report.violations.length).toBeGreaterThan(0);
  return report.violations;
}

describe('the audit of a clean book', () => {
  it('finds nothing wrong with a protected position, its stop, fills, paper balances and released reservation', async ({
    db,
    positionId,
  }) => {
    expect(positionId).toBeGreaterThan(0);
    expect(await runAudit(db, PAPER)).toEqual({ violations: [], invariantsChecked: 10 });
  });

  it('checks the kraken account without the two invariants that read the paper exchange', async ({
    db,
    positionId,
  }) => {
    expect(positionId).toBeGreaterThan(0);
    expect(await runAudit(db, { account: 'kraken' })).toEqual({ violations: [], invariantsChecked: 8 });
  });

  it('refuses to audit the paper account without its starting cash and cash asset', async ({ db }) => {
    await expect(runAudit(db, { account: 'paper' })).rejects.toThrow(/starting cash and cash asset/);
  });
});

describe('one_order_per_client_id', () => {
  it('reports two orders with one client order id', async ({ db, positionId }) => {
    expect(positionId).toBeGreaterThan(0);
    // A database that lost its primary key: nothing else stops the second row.
    await db.execute(sql`ALTER TABLE orders DROP CONSTRAINT orders_pkey`);
    await db.insert(orders).values(
      anOrderRow({
        clientOrderId: BOOK.stop.clientOrderId,
        side: 'sell',
        type: 'stop-loss',
        purpose: 'stop_loss',
        cause: 'stop',
        triggerPrice: '39000',
        reduceOnly: true,
        status: 'canceled',
        createdAt: new Date(T0 + 3 * HOUR_MS),
      }),
    );
    const [violation] = onlyViolated(await runAudit(db, PAPER), 'one_order_per_client_id');
    expect(violation!.message).toBe(
      '2 orders share the client order id stop-a: the exchange would take them for one order.',
    );
    expect(violation!.rows.map((r) => r.status)).toEqual(['open', 'canceled']);
  });

  it('reports two of our orders that are one exchange order', async ({ db, positionId }) => {
    expect(positionId).toBeGreaterThan(0);
    await db.execute(sql`DROP INDEX orders_exchange_order_id_key`);
    await db.insert(orders).values(
      anOrderRow({
        clientOrderId: 'stop-b',
        exchangeOrderId: BOOK.stop.exchangeOrderId,
        side: 'sell',
        type: 'stop-loss',
        purpose: 'stop_loss',
        cause: 'stop',
        triggerPrice: '39000',
        reduceOnly: true,
        status: 'canceled',
      }),
    );
    const violations = onlyViolated(await runAudit(db, PAPER), 'one_order_per_client_id');
    expect(violations.map((v) => v.message)).toEqual([
      `2 of our orders (stop-a, stop-b) are the one paper order ${BOOK.stop.exchangeOrderId}: its fills would be counted 2 times.`,
    ]);
  });

  it('reports two paper exchange orders with one client order id', async ({ db, positionId }) => {
    expect(positionId).toBeGreaterThan(0);
    await db.execute(sql`DROP INDEX paper_orders_client_order_id_key`);
    await db.insert(paperOrders).values(
      aPaperOrderRow({
        exchangeOrderId: 'OSTOP1-AAAAA-AAAAAA',
        clientOrderId: BOOK.stop.clientOrderId,
        side: 'sell',
        type: 'stop-loss',
        triggerPrice: '39000',
        reduceOnly: true,
        status: 'canceled',
        openedAt: new Date(T0 + 3 * HOUR_MS),
      }),
    );
    const violations = onlyViolated(await runAudit(db, PAPER), 'one_order_per_client_id');
    expect(violations.map((v) => v.message)).toEqual([
      'The paper exchange holds 2 orders with the client order id stop-a: one order of ours was placed 2 times.',
    ]);
    expect(violations[0]!.rows.map((r) => r.exchange_order_id)).toEqual([
      BOOK.stop.exchangeOrderId,
      'OSTOP1-AAAAA-AAAAAA',
    ]);
  });
});

describe('exchange_orders_recorded', () => {
  it('reports a paper order we hold no order for', async ({ db, positionId }) => {
    expect(positionId).toBeGreaterThan(0);
    await db.insert(paperOrders).values(
      aPaperOrderRow({
        exchangeOrderId: 'OLOST0-AAAAA-AAAAAA',
        clientOrderId: 'lost-1',
        type: 'limit',
        limitPrice: '38000',
        quantity: '0.002',
      }),
    );
    const violations = onlyViolated(await runAudit(db, PAPER), 'exchange_orders_recorded');
    expect(violations.map((v) => v.message)).toEqual([
      'Paper order OLOST0-AAAAA-AAAAAA (buy 0.002 BTC/USD, open) has no order of ours with its client order id lost-1: the system does not know it exists.',
    ]);
  });

  it('reports a paper fill missing from our fills, and counts fills recorded under derived ids', async ({
    db,
    positionId,
  }) => {
    expect(positionId).toBeGreaterThan(0);
    // The stop filled 0.004 at 39 000 on the paper exchange (fee 0.624); our stop order never heard of it.
    await db.insert(paperFills).values({
      fillId: 'TSTOP0-AAAAA-AAAAAA',
      exchangeOrderId: BOOK.stop.exchangeOrderId,
      clientOrderId: BOOK.stop.clientOrderId,
      symbol: 'BTC/USD',
      side: 'sell',
      quantity: '0.004',
      price: '39000',
      liquidity: 'taker',
      feeUsd: '0.624',
      barOpenTime: new Date(T0 + HOUR_MS),
      filledAt: new Date(T0 + 2 * HOUR_MS),
    });
    await setPaperBalances(db, { USD: '9753.776', BTC: '0.006' });
    const violations = onlyViolated(await runAudit(db, PAPER), 'exchange_orders_recorded');
    expect(violations.map((v) => v.message)).toEqual([
      'Paper fill TSTOP0-AAAAA-AAAAAA (sell 0.004 BTC/USD at 39000) is missing from our fills: order stop-a filled 0.004 on the paper exchange by then, we recorded 0 in all.',
    ]);
  });
});

describe('order_has_cause', () => {
  it('reports orders carrying out a denied decision, more than their approval, or no decision at all', async ({
    db,
    positionId,
  }) => {
    expect(positionId).toBeGreaterThan(0);
    await db.insert(riskDecisions).values({
      decisionId: 'deny-prop-b',
      proposalId: 'prop-b',
      signalId: 'sig-b',
      correlationId: 'corr-b',
      symbol: 'BTC/USD',
      decision: 'denied',
      proposal: {},
      adjustments: [],
      reasons: [],
      riskState: {},
    });
    const later = (h: number) => new Date(T0 + h * HOUR_MS);
    await db.insert(orders).values([
      anOrderRow({ clientOrderId: 'entry-b', decisionId: 'deny-prop-b', status: 'canceled', createdAt: later(3) }),
      anOrderRow({ clientOrderId: 'entry-c', quantity: '0.02', status: 'rejected', createdAt: later(4) }),
      anOrderRow({ clientOrderId: 'entry-d', decisionId: null, status: 'canceled', createdAt: later(5) }),
      // Automatic causes need no decision.
      anOrderRow({
        clientOrderId: 'flatten-e',
        decisionId: null,
        purpose: 'flatten',
        cause: 'halt',
        status: 'canceled',
        createdAt: later(6),
      }),
    ]);
    const violations = onlyViolated(await runAudit(db, PAPER), 'order_has_cause');
    expect(violations.map((v) => v.message)).toEqual([
      'Order entry-b (entry buy 0.01 BTC/USD, canceled) carries out risk decision deny-prop-b, which was denied, not approved.',
      'Order entry-c (entry buy 0.02 BTC/USD, rejected) orders more than the 0.01 its approval appr-prop-a allowed.',
      'Order entry-d (entry buy 0.01 BTC/USD, canceled) claims an approval but names no risk decision.',
    ]);
    expect(violations[1]!.rows).toEqual([
      expect.objectContaining({
        client_order_id: 'entry-c',
        quantity: '0.02',
        decision_id: 'appr-prop-a',
        decision: 'approved',
        approved_quantity: '0.01',
      }),
    ]);
  });
});

describe('reduce_only_within_position', () => {
  it('reports working reduce-only orders that together would take more than the position', async ({
    db,
    positionId,
  }) => {
    // A close of 0.006, 0.001 of it filled, beside the stop of 0.01: 0.015 to come out of 0.01.
    await db.insert(orders).values(
      anOrderRow({
        clientOrderId: 'close-d',
        decisionId: null,
        side: 'sell',
        purpose: 'exit',
        intent: 'exit',
        cause: 'operator',
        quantity: '0.006',
        filledQuantity: '0.001',
        reduceOnly: true,
        status: 'partially_filled',
      }),
    );
    const violations = onlyViolated(await runAudit(db, PAPER), 'reduce_only_within_position');
    expect(violations.map((v) => v.message)).toEqual([
      `Working reduce-only orders of BTC/USD on paper would take 0.015 out of a long position of 0.01 (position ${positionId}): together they exceed it.`,
    ]);
    expect(violations[0]!.rows.map((r) => r.remaining_quantity ?? r.quantity)).toEqual(['0.01', '0.005', '0.01']);
  });

  it('reports a working reduce-only order of a symbol without an open position', async ({ db, positionId }) => {
    expect(positionId).toBeGreaterThan(0);
    await db.insert(orders).values(
      anOrderRow({
        clientOrderId: 'close-e',
        decisionId: null,
        symbol: 'ETH/USD',
        side: 'sell',
        purpose: 'exit',
        intent: 'exit',
        cause: 'operator',
        quantity: '0.5',
        reduceOnly: true,
        status: 'unknown',
      }),
    );
    const violations = onlyViolated(await runAudit(db, PAPER), 'reduce_only_within_position');
    expect(violations.map((v) => v.message)).toEqual([
      '1 working reduce-only order of ETH/USD (0.5 unfilled) on paper reduce no open position: there is none.',
    ]);
  });
});

describe('position_protected', () => {
  it('accepts a stop on the exchange without a watched level, and a watched level without a stop', async ({
    db,
    positionId,
  }) => {
    await db
      .update(positions)
      .set({ protection: { stopLoss: null, takeProfit: '42000', trailing: null } })
      .where(eq(positions.id, positionId));
    expect((await runAudit(db, PAPER)).violations).toEqual([]);
    await db
      .update(positions)
      .set({ protection: { stopLoss: '39000', takeProfit: '42000', trailing: null } })
      .where(eq(positions.id, positionId));
    await db.update(orders).set({ status: 'canceled' }).where(eq(orders.clientOrderId, BOOK.stop.clientOrderId));
    expect((await runAudit(db, PAPER)).violations).toEqual([]);
  });

  it('reports an open position with neither a working stop nor a watched stop level', async ({ db, positionId }) => {
    await db
      .update(positions)
      .set({ protection: { stopLoss: null, takeProfit: '42000', trailing: null } })
      .where(eq(positions.id, positionId));
    await db.update(orders).set({ status: 'canceled' }).where(eq(orders.clientOrderId, BOOK.stop.clientOrderId));
    const violations = onlyViolated(await runAudit(db, PAPER), 'position_protected');
    expect(violations.map((v) => v.message)).toEqual([
      `The open long position of 0.01 BTC/USD (position ${positionId}) has no stop: no stop-loss order works on the exchange and the engine watches no stop level.`,
    ]);
  });
});

describe('spot_never_short', () => {
  /** An ETH/USD short of 0.5 at `leverage`, built from its one fill, with a watched stop. */
  async function writeShort(db: Db, leverage: string): Promise<number> {
    const at = new Date(T0 + 2 * HOUR_MS);
    const [short] = await db
      .insert(positions)
      .values({
        account: 'paper',
        symbol: 'ETH/USD',
        status: 'open',
        side: 'short',
        quantity: '0.5',
        avgEntryPrice: '3000',
        leverage,
        realizedPnlUsd: '0',
        feesUsd: '0',
        protection: { stopLoss: '3200', takeProfit: null, trailing: null },
        openedAt: at,
        updatedAt: at,
      })
      .returning({ id: positions.id });
    await writeTakenInFill(db, {
      clientOrderId: 'short-f',
      symbol: 'ETH/USD',
      side: 'sell',
      quantity: '0.5',
      price: '3000',
      positionId: short!.id,
    });
    return short!.id;
  }

  it('reports an open short at leverage 1', async ({ db, positionId }) => {
    expect(positionId).toBeGreaterThan(0);
    const shortId = await writeShort(db, '1');
    const violations = onlyViolated(await runAudit(db, PAPER), 'spot_never_short');
    expect(violations.map((v) => v.message)).toEqual([
      `The open ETH/USD position ${shortId} is short 0.5 at leverage 1: spot cannot sell what the account does not hold.`,
    ]);
  });

  it('accepts a short on margin', async ({ db, positionId }) => {
    expect(positionId).toBeGreaterThan(0);
    await writeShort(db, '2');
    expect((await runAudit(db, PAPER)).violations).toEqual([]);
  });
});

describe('position_matches_fills', () => {
  it('reports an open position larger than its fills make it', async ({ db, positionId }) => {
    await db.update(positions).set({ quantity: '0.02' }).where(eq(positions.id, positionId));
    const violations = onlyViolated(await runAudit(db, PAPER), 'position_matches_fills');
    expect(violations.map((v) => v.message)).toEqual([
      `The open BTC/USD position ${positionId} is long 0.02, but the 1 fill taken in makes it long 0.01.`,
    ]);
    expect(violations[0]!.rows).toEqual([
      { from: 'stored', position_id: positionId, fills: null, symbol: 'BTC/USD', side: 'long', quantity: '0.02' },
      { from: 'replayed', position_id: null, fills: 1, symbol: 'BTC/USD', side: 'long', quantity: '0.01' },
    ]);
  });

  it('reports a position still open after its fills closed it', async ({ db, positionId }) => {
    await writeTakenInFill(db, {
      clientOrderId: 'close-g',
      symbol: 'BTC/USD',
      side: 'sell',
      quantity: '0.01',
      price: '41000',
      positionId,
      purpose: 'exit',
    });
    const violations = onlyViolated(await runAudit(db, PAPER), 'position_matches_fills');
    expect(violations.map((v) => v.message)).toEqual([
      `The open long 0.01 BTC/USD position ${positionId} is not what its fills make it: the 2 fills taken in end with no position.`,
    ]);
  });

  it('reports fills taken in that end in a position nobody holds', async ({ db, positionId }) => {
    await writeTakenInFill(db, {
      clientOrderId: 'eth-h',
      symbol: 'ETH/USD',
      side: 'buy',
      quantity: '0.5',
      price: '3000',
      positionId,
    });
    const violations = onlyViolated(await runAudit(db, PAPER), 'position_matches_fills');
    expect(violations.map((v) => v.message)).toEqual([
      'The 1 fill of ETH/USD taken into positions ends long 0.5, but no ETH/USD position is open.',
    ]);
  });
});

describe('fill_applied_once', () => {
  it('reports a fill no position took in, and accepts a rebalance fill taken in by none', async ({
    db,
    positionId,
  }) => {
    expect(positionId).toBeGreaterThan(0);
    await writeTakenInFill(db, {
      clientOrderId: 'rebal-i',
      symbol: 'BTC/USD',
      side: 'buy',
      quantity: '0.002',
      price: '40500',
      positionId: null,
      purpose: 'rebalance',
    });
    expect((await runAudit(db, PAPER)).violations).toEqual([]);
    await writeTakenInFill(db, {
      clientOrderId: 'rebal-j',
      symbol: 'BTC/USD',
      side: 'buy',
      quantity: '0.003',
      price: '40600',
      positionId: null,
      purpose: 'rebalance',
      takenIn: false,
    });
    const violations = onlyViolated(await runAudit(db, PAPER), 'fill_applied_once');
    expect(violations.map((v) => v.message)).toEqual([
      'Fill rebal-j:0.003 (buy 0.003 BTC/USD at 40600, rebalance order rebal-j) has not been taken into positions: its position does not show it.',
    ]);
  });

  it('reports a position fill naming a fill that does not exist', async ({ db, positionId }) => {
    expect(positionId).toBeGreaterThan(0);
    await db.insert(positionFills).values({ fillId: 'ghost-1', positionId: null, realizedPnlUsd: '0' });
    const violations = onlyViolated(await runAudit(db, PAPER), 'fill_applied_once');
    expect(violations.map((v) => v.message)).toEqual([
      'Position fill ghost-1 names a fill that does not exist: a position took in something that never traded.',
    ]);
  });
});

describe('paper_balances_match_fills', () => {
  it('reports a cash balance the starting cash and the fills do not make, and an asset no fill bought', async ({
    db,
    positionId,
  }) => {
    expect(positionId).toBeGreaterThan(0);
    await setPaperBalances(db, { USD: '9599.4', ETH: '0.5' });
    const violations = onlyViolated(await runAudit(db, PAPER), 'paper_balances_match_fills');
    expect(violations.map((v) => v.message)).toEqual([
      'The paper ETH balance is 0.5, but the 1 paper fill makes it 0 (+0.5).',
      'The paper USD balance is 9599.4, but the starting 10000 and the 1 paper fill makes it 9598.4 (+1).',
    ]);
    expect(violations[1]!.rows).toEqual([{ asset: 'USD', balance: '9599.4', expected: '9598.4', difference: '1' }]);
  });
});

describe('reservation_released', () => {
  it('reports a reservation still held for a filled order, and keeps one of a working order', async ({
    db,
    positionId,
  }) => {
    await db.insert(orderReservations).values({
      decisionId: 'appr-prop-stop',
      clientOrderId: BOOK.stop.clientOrderId,
      account: 'paper',
      symbol: 'BTC/USD',
      kind: 'exit',
      amount: '0.01',
      positionId,
    });
    expect((await runAudit(db, PAPER)).violations).toEqual([]);
    await db
      .update(orderReservations)
      .set({ releasedAt: null, releaseReason: null })
      .where(eq(orderReservations.decisionId, BOOK.decisionId));
    const violations = onlyViolated(await runAudit(db, PAPER), 'reservation_released');
    expect(violations.map((v) => v.message)).toEqual([
      'The cash reservation of 400 for BTC/USD (approval appr-prop-a) is still held, but its order entry-a is filled: it blocks what later approvals may use.',
    ]);
  });
});
