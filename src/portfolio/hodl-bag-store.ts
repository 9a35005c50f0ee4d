import { asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { assetCode } from '../config/config-fields.ts';
import type { Db } from '../db/open-database.ts';
import { hodlBags, type HodlBagRow } from '../db/schema/hodl-bags.ts';
import { Dec, NonNegativeStoredDecimal, toStoredDecimal } from '../positions/position-decimal.ts';

/** One hodl bag as the operator sets it. */
export const HodlBag = z
  .object({
    asset: assetCode(),
    /** Units of the asset that are never sold (of the cash asset: never spent), ≥ 0. */
    quantity: NonNegativeStoredDecimal,
    note: z.string().max(500).nullable().default(null),
  })
  .strict();
export type HodlBag = z.input<typeof HodlBag>;

/**
 * The hodl bags in force: per asset, the larger of the configured one (`portfolio.hodlBags`)
 * and the stored one (`hodl_bags`).
 *
 * Why the larger and not "the table overrides the config": a hodl bag is a promise not to
 * sell, and each source makes one; taking the larger keeps both, so neither a stale row nor
 * a forgotten config entry can ever free coins the other one protects. Lowering a bag that
 * config sets therefore means changing config.
 *
 * @returns decimal strings by asset; assets in neither source are absent (no bag).
 */
export async function loadHodlBags(
  db: Db,
  configured: Readonly<Record<string, string>>,
): Promise<Record<string, string>> {
  const rows = await db.select().from(hodlBags).orderBy(asc(hodlBags.asset));
  return mergeHodlBags(configured, rows);
}

/** The per-asset larger of the configured and stored bags (see {@link loadHodlBags}). Pure. */
export function mergeHodlBags(
  configured: Readonly<Record<string, string>>,
  stored: readonly Pick<HodlBagRow, 'asset' | 'quantity'>[],
): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [asset, quantity] of Object.entries(configured)) merged[asset] = toStoredDecimal(quantity);
  for (const row of stored) {
    const current = merged[row.asset];
    merged[row.asset] =
      current === undefined ? toStoredDecimal(row.quantity) : toStoredDecimal(Dec.max(current, row.quantity));
  }
  return merged;
}

/** Sets (creates or replaces) the stored hodl bag of an asset. @throws ZodError for an invalid bag. */
export async function saveHodlBag(db: Db, bag: HodlBag, atMs: number): Promise<void> {
  const b = HodlBag.parse(bag);
  await db
    .insert(hodlBags)
    .values({ asset: b.asset, quantity: b.quantity, note: b.note, updatedAt: new Date(atMs) })
    .onConflictDoUpdate({
      target: hodlBags.asset,
      set: { quantity: sql`excluded.quantity`, note: sql`excluded.note`, updatedAt: sql`excluded.updated_at` },
    });
}

/** Removes the stored hodl bag of an asset (a configured one stays). @returns whether a row was removed. */
export async function removeHodlBag(db: Db, asset: string): Promise<boolean> {
  const removed = await db.delete(hodlBags).where(eq(hodlBags.asset, asset)).returning({ asset: hodlBags.asset });
  return removed.length > 0;
}
