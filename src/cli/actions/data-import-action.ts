import { loadConfig } from '../../config/load-config.ts';
import { readFile } from 'node:fs/promises';
import { saveCandles } from '../../market/candle-store.ts';
import { fillGaps } from '../../market/fill-gaps.ts';
import { CandleFileFormat, parseCandleFile } from '../../market/parse-candle-file.ts';
import { resampleCandles } from '../../market/resample-candles.ts';
import { Timeframe } from '../../model/timeframe.ts';
import { TriplegainError } from '../../shared/triplegain-error.ts';
import { openConfiguredDatabase } from '../../runtime/open-configured-database.ts';
import { formatMinute } from '../../shared/format-minute.ts';

export interface DataImportActionOptions {
  configFile: string | undefined;
  file: string;
  pair: string;
  timeframe: string;
  format: string;
  to?: string;
}

const parsed = <T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
  flag: string,
  value: string,
  allowed: string,
): T => {
  const r = schema.safeParse(value);
  if (!r.success)
    throw new TriplegainError('CONFIG_INVALID', `${flag} ${JSON.stringify(value)}: expected one of ${allowed}`);
  return r.data;
};

/** The work of `triplegain data import`: parse all, fill gaps, resample, store in one transaction. */
export async function dataImportAction(options: DataImportActionOptions): Promise<void> {
  const timeframes = Timeframe.options.join(', ');
  const timeframe = parsed(Timeframe, '--timeframe', options.timeframe, timeframes);
  const format = parsed(CandleFileFormat, '--format', options.format, CandleFileFormat.options.join(', '));
  const to = options.to === undefined ? undefined : parsed(Timeframe, '--to', options.to, timeframes);
  const text = await readFile(options.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new TriplegainError('CONFIG_INVALID', `cannot read ${options.file}: ${err.code ?? err.message}`);
  });
  const read = parseCandleFile(text, { symbol: options.pair, timeframe, format, source: options.file });
  if (read.length === 0) throw new TriplegainError('DATA_INVALID', `${options.file}: no bars in it`);
  const filled = fillGaps(read);
  const bars = to ? resampleCandles(filled, to) : filled;
  if (bars.length === 0) throw new TriplegainError('DATA_INVALID', `${options.file}: not one whole ${to} bar in it`);
  const database = await openConfiguredDatabase(loadConfig({ file: options.configFile }).config);
  try {
    const stored = await saveCandles(database.db, bars, 'import');
    console.log(
      `${options.pair} ${to ?? timeframe}: ${bars.length} bar${bars.length === 1 ? '' : 's'} from ${formatMinute(bars[0]!.openTimeMs)} to ${formatMinute(bars.at(-1)!.openTimeMs)}, ${stored} new${bars.length > stored ? `, ${bars.length - stored} already stored and kept as they were` : ''} (${read.length} row${read.length === 1 ? '' : 's'} read, ${filled.length - read.length} gap${filled.length - read.length === 1 ? '' : 's'} filled${to ? `, resampled from ${timeframe}` : ''})`,
    );
  } finally {
    await database.close();
  }
}
