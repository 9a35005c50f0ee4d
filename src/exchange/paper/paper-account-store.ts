import { eq, sql } from 'drizzle-orm';
import type { Db, DbTransaction } from '../../db/open-database.ts';
import { paperBalances } from '../../db/schema/paper-balances.ts';
import { paperPrices } from '../../db/schema/paper-prices.ts';
import type { Balances } from '../exchange-port.ts';

/** Which asset is cash and what the account starts with. */
export interface PaperAccountSettings {
  cashAsset: string;
  /** Decimal string, in the cash asset. */
  startingCashUsd: string;
}

/**
 * Runs `work` in one transaction holding the paper account locked: the cash asset's balance
 * row, created with the starting cash on first use, is selected `FOR UPDATE`, so workers that
 * place, cancel or fill at once take turns and each sees the others' committed changes. A
 * throw rolls everything back.
 */
export async function withLockedPaperAccount<T>(
  db: Db,
  settings: PaperAccountSettings,
  nowMs: number,
  work: (tx: DbTransaction) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await tx
      .insert(paperBalances)
      .values({ asset: settings.cashAsset, total: settings.startingCashUsd, updatedAt: new Date(nowMs) })
      .onConflictDoNothing({ target: paperBalances.asset });
    await tx
      .select({ asset: paperBalances.asset })
      .from(paperBalances)
      .where(eq(paperBalances.asset, settings.cashAsset))
      .for('update');
    return work(tx);
  });
}

/** Every asset's total; before first use, the starting cash. */
export async function readPaperBalances(db: Db, settings: PaperAccountSettings): Promise<Balances> {
  const rows = await db
    .select({ asset: paperBalances.asset, total: paperBalances.total })
    .from(paperBalances)
    .orderBy(paperBalances.asset);
  const balances: Balances = Object.fromEntries(rows.map((r) => [r.asset, r.total]));
  return settings.cashAsset in balances ? balances : { ...balances, [settings.cashAsset]: settings.startingCashUsd };
}

/** Writes the given assets' totals (inserting assets seen for the first time). */
export async function writePaperBalances(tx: DbTransaction, changed: Balances, nowMs: number): Promise<void> {
  const rows = Object.entries(changed).map(([asset, total]) => ({ asset, total, updatedAt: new Date(nowMs) }));
  if (rows.length === 0) return;
  await tx
    .insert(paperBalances)
    .values(rows)
    .onConflictDoUpdate({
      target: paperBalances.asset,
      set: { total: sql`excluded.total`, updatedAt: sql`excluded.updated_at` },
    });
}

/** The last price seen for `symbol`, or null before the first bar. */
export async function readLastPrice(db: Db, symbol: string): Promise<string | null> {
  const [row] = await db.select({ price: paperPrices.price }).from(paperPrices).where(eq(paperPrices.symbol, symbol));
  return row?.price ?? null;
}

/** Records a bar's close as the symbol's last price, unless a later bar is already recorded. */
export async function recordLastPrice(
  tx: Db | DbTransaction,
  symbol: string,
  price: string,
  barOpenTimeMs: number,
  nowMs: number,
): Promise<void> {
  await tx
    .insert(paperPrices)
    .values({ symbol, price, barOpenTime: new Date(barOpenTimeMs), updatedAt: new Date(nowMs) })
    .onConflictDoUpdate({
      target: paperPrices.symbol,
      set: {
        price: sql`excluded.price`,
        barOpenTime: sql`excluded.bar_open_time`,
        updatedAt: sql`excluded.updated_at`,
      },
      setWhere: sql`${paperPrices.barOpenTime} <= excluded.bar_open_time`,
    });
}
