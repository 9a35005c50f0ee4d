import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/open-database.ts';
import { fills } from '../../src/db/schema/fills.ts';
import { orderReservations } from '../../src/db/schema/order-reservations.ts';
import { orders, type NewOrderRow } from '../../src/db/schema/orders.ts';
import { paperBalances } from '../../src/db/schema/paper-balances.ts';
import { paperFills } from '../../src/db/schema/paper-fills.ts';
import { paperOrders, type NewPaperOrderRow } from '../../src/db/schema/paper-orders.ts';
import { positionFills } from '../../src/db/schema/position-fills.ts';
import { positions } from '../../src/db/schema/positions.ts';
import { riskDecisions } from '../../src/db/schema/risk-decisions.ts';
import type { AuditContext } from '../../src/audit/audit-context.ts';

const HOUR_MS = 3_600_000;
/** 2024-03-04 10:00 UTC: the bar the entry filled in. */
export const T0 = Date.UTC(2024, 2, 4, 10);

/** The paper account audited, starting with 10 000 USD (the config's defaults). */
export const PAPER: AuditContext = { account: 'paper', paper: { startingCashUsd: '10000', cashAsset: 'USD' } };

/** An order row of the paper account, open and unfilled, carrying out `appr-prop-a`; override what the test is about. */
export function anOrderRow(overrides: Partial<NewOrderRow> & Pick<NewOrderRow, 'clientOrderId'>): NewOrderRow {
  return {
    exchangeOrderId: null,
    decisionId: 'appr-prop-a',
    proposalId: 'prop-a',
    correlationId: 'corr-a',
    symbol: 'BTC/USD',
    side: 'buy',
    type: 'market',
    intent: 'entry',
    purpose: 'entry',
    quantity: '0.01',
    filledQuantity: '0',
    cause: 'approval',
    status: 'open',
    exchange: 'paper',
    createdAt: new Date(T0),
    updatedAt: new Date(T0),
    ...overrides,
  };
}

/** A paper exchange order, open and unfilled; override what the test is about. */
export function aPaperOrderRow(
  overrides: Partial<NewPaperOrderRow> & Pick<NewPaperOrderRow, 'exchangeOrderId' | 'clientOrderId'>,
): NewPaperOrderRow {
  return {
    symbol: 'BTC/USD',
    side: 'buy',
    type: 'market',
    status: 'open',
    quantity: '0.01',
    filledQuantity: '0',
    filledNotionalUsd: '0',
    leverage: 1,
    reduceOnly: false,
    feeUsd: '0',
    openedAt: new Date(T0),
    updatedAt: new Date(T0),
    ...overrides,
  };
}

/** The ids of the clean book. */
export const BOOK = {
  decisionId: 'appr-prop-a',
  entry: {
    clientOrderId: 'entry-a',
    exchangeOrderId: 'OENTRY-AAAAA-AAAAAA',
    fillId: 'OENTRY-AAAAA-AAAAAA:0.01',
    paperFillId: 'TENTRY-AAAAA-AAAAAA',
  },
  stop: { clientOrderId: 'stop-a', exchangeOrderId: 'OSTOP0-AAAAA-AAAAAA' },
} as const;

/**
 * A book without a flaw, as the system leaves it after one protected entry on the paper
 * exchange: an approval of 0.01 BTC/USD, its entry filled at 40 000 (fee 1.6), the fill taken
 * into an open long of 0.01 with its stop at 39 000 resting on the exchange (reduce-only), the
 * paper exchange's orders and fill, balances of 9 598.4 USD and 0.01 BTC, and the approval's
 * cash reservation released when the entry filled.
 *
 * @returns the open position's id.
 */
export async function writeCleanBook(db: Db): Promise<{ positionId: number }> {
  const filledAt = new Date(T0 + HOUR_MS);
  await db.insert(riskDecisions).values({
    decisionId: BOOK.decisionId,
    proposalId: 'prop-a',
    signalId: 'sig-a',
    correlationId: 'corr-a',
    symbol: 'BTC/USD',
    decision: 'approved',
    proposal: {},
    notionalUsd: '400',
    quantity: '0.01',
    adjustments: [],
    reasons: [],
    riskState: {},
  });
  await db.insert(orders).values([
    anOrderRow({
      clientOrderId: BOOK.entry.clientOrderId,
      exchangeOrderId: BOOK.entry.exchangeOrderId,
      status: 'filled',
      filledQuantity: '0.01',
      avgFillPrice: '40000',
      feeUsd: '1.6',
    }),
    anOrderRow({
      clientOrderId: BOOK.stop.clientOrderId,
      exchangeOrderId: BOOK.stop.exchangeOrderId,
      side: 'sell',
      type: 'stop-loss',
      intent: 'protective',
      purpose: 'stop_loss',
      cause: 'stop',
      triggerPrice: '39000',
      reduceOnly: true,
      createdAt: filledAt,
      updatedAt: filledAt,
    }),
  ]);
  await db.insert(fills).values({
    fillId: BOOK.entry.fillId,
    clientOrderId: BOOK.entry.clientOrderId,
    exchangeOrderId: BOOK.entry.exchangeOrderId,
    symbol: 'BTC/USD',
    side: 'buy',
    quantity: '0.01',
    price: '40000',
    feeUsd: '1.6',
    filledAt,
  });
  const [position] = await db
    .insert(positions)
    .values({
      account: 'paper',
      symbol: 'BTC/USD',
      status: 'open',
      side: 'long',
      quantity: '0.01',
      avgEntryPrice: '40000',
      leverage: '1',
      realizedPnlUsd: '-1.6',
      feesUsd: '1.6',
      protection: { stopLoss: '39000', takeProfit: '42000', trailing: null },
      openedAt: filledAt,
      updatedAt: filledAt,
    })
    .returning({ id: positions.id });
  await db
    .insert(positionFills)
    .values({ fillId: BOOK.entry.fillId, positionId: position!.id, realizedPnlUsd: '-1.6' });

  await db.insert(paperOrders).values([
    aPaperOrderRow({
      exchangeOrderId: BOOK.entry.exchangeOrderId,
      clientOrderId: BOOK.entry.clientOrderId,
      status: 'closed',
      filledQuantity: '0.01',
      filledNotionalUsd: '400',
      feeUsd: '1.6',
      closedAt: filledAt,
    }),
    aPaperOrderRow({
      exchangeOrderId: BOOK.stop.exchangeOrderId,
      clientOrderId: BOOK.stop.clientOrderId,
      side: 'sell',
      type: 'stop-loss',
      triggerPrice: '39000',
      reduceOnly: true,
      openedAt: filledAt,
      updatedAt: filledAt,
    }),
  ]);
  await db.insert(paperFills).values({
    fillId: BOOK.entry.paperFillId,
    exchangeOrderId: BOOK.entry.exchangeOrderId,
    clientOrderId: BOOK.entry.clientOrderId,
    symbol: 'BTC/USD',
    side: 'buy',
    quantity: '0.01',
    price: '40000',
    liquidity: 'taker',
    feeUsd: '1.6',
    barOpenTime: new Date(T0),
    filledAt,
  });
  await setPaperBalances(db, { USD: '9598.4', BTC: '0.01' });
  await db.insert(orderReservations).values({
    decisionId: BOOK.decisionId,
    clientOrderId: BOOK.entry.clientOrderId,
    account: 'paper',
    symbol: 'BTC/USD',
    kind: 'cash',
    amount: '400',
    releasedAt: filledAt,
    releaseReason: 'filled',
  });
  return { positionId: position!.id };
}

/** Sets the paper account's balances (inserting assets not there yet). */
export async function setPaperBalances(db: Db, balances: Record<string, string>): Promise<void> {
  await db
    .insert(paperBalances)
    .values(Object.entries(balances).map(([asset, total]) => ({ asset, total, updatedAt: new Date(T0) })))
    .onConflictDoUpdate({ target: paperBalances.asset, set: { total: sql`excluded.total` } });
}

/**
 * A fill of its own order: an operator's order of `symbol`, filled once at `price` without a
 * fee, its fill marked as taken into `positionId` (unless `takenIn` is false). The paper
 * exchange's tables are left alone (an order the paper exchange never saw changes no balance).
 */
export async function writeTakenInFill(
  db: Db,
  f: {
    clientOrderId: string;
    symbol: string;
    side: 'buy' | 'sell';
    quantity: string;
    price: string;
    positionId: number | null;
    atMs?: number;
    purpose?: string;
    takenIn?: boolean;
  },
): Promise<string> {
  const fillId = `${f.clientOrderId}:${f.quantity}`;
  const at = new Date(f.atMs ?? T0 + 2 * HOUR_MS);
  await db.insert(orders).values(
    anOrderRow({
      clientOrderId: f.clientOrderId,
      decisionId: null,
      proposalId: null,
      symbol: f.symbol,
      side: f.side,
      purpose: f.purpose ?? 'entry',
      cause: 'operator',
      quantity: f.quantity,
      filledQuantity: f.quantity,
      avgFillPrice: f.price,
      status: 'filled',
      createdAt: at,
      updatedAt: at,
    }),
  );
  await db.insert(fills).values({
    fillId,
    clientOrderId: f.clientOrderId,
    symbol: f.symbol,
    side: f.side,
    quantity: f.quantity,
    price: f.price,
    feeUsd: '0',
    filledAt: at,
  });
  if (f.takenIn ?? true)
    await db.insert(positionFills).values({ fillId, positionId: f.positionId, realizedPnlUsd: '0' });
  return fillId;
}
