import { sql } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { candles } from '../db/schema/candles.ts';
import type { Timeframe } from '../model/timeframe.ts';

/**
 * The close of the newest stored bar of each symbol at `timeframe`, in canonical form (as
 * `loadRecentCandles` gives it), in one statement whatever the number of symbols: each symbol
 * is one step down the `(symbol, timeframe, open_time)` index. A symbol without a stored bar
 * is absent from the map.
 */
export async function latestCloses(
  db: Db,
  symbols: Iterable<string>,
  timeframe: Timeframe,
): Promise<Map<string, string>> {
  const wanted = [...new Set(symbols)];
  const closes = new Map<string, string>();
  if (wanted.length === 0) return closes;
  const list = sql.join(
    wanted.map((symbol) => sql`(${symbol}::text)`),
    sql`, `,
  );
  const result = await db.execute<{ symbol: string; close: string }>(sql`
    select s.symbol, latest.close::text as close
    from (values ${list}) as s(symbol)
    cross join lateral (
      select ${candles.close} as close from ${candles}
      where ${candles.symbol} = s.symbol and ${candles.timeframe} = ${timeframe}
      order by ${candles.openTime} desc
      limit 1
    ) as latest`);
  for (const row of result.rows) closes.set(row.symbol, String(candles.close.mapFromDriverValue(row.close)));
  return closes;
}
