import { loadConfig } from '../../config/load-config.ts';
import { sql } from 'drizzle-orm';
import { candles } from '../../db/schema/candles.ts';
import { openConfiguredDatabase } from '../../runtime/open-configured-database.ts';
import { formatMinute } from '../../shared/format-minute.ts';

/** The work of `triplegain data list`: one line per pair and timeframe in the candle store. */
export async function dataListAction(options: { configFile: string | undefined }): Promise<void> {
  const database = await openConfiguredDatabase(loadConfig({ file: options.configFile }).config);
  try {
    const rows = await database.db
      .select({
        symbol: candles.symbol,
        timeframe: candles.timeframe,
        bars: sql<number>`count(*)::int`,
        first: sql<Date>`min(${candles.openTime})`,
        last: sql<Date>`max(${candles.openTime})`,
      })
      .from(candles)
      .groupBy(candles.symbol, candles.timeframe)
      .orderBy(candles.symbol, candles.timeframe);
    console.log(
      [
        'pair        timeframe  bars      first             last',
        ...rows.map(
          (r) =>
            `${r.symbol.padEnd(11)} ${r.timeframe.padEnd(10)} ${String(r.bars).padEnd(9)} ${formatMinute(r.first)}  ${formatMinute(r.last)}`,
        ),
      ].join('\n'),
    );
    if (rows.length === 0) console.log('(the candle store is empty)');
  } finally {
    await database.close();
  }
}
