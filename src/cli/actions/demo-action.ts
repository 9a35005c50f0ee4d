import { resolve } from 'node:path';
import { desc, sql } from 'drizzle-orm';
import { orders } from '../../db/schema/orders.ts';
import { tradingSignals } from '../../db/schema/trading-signals.ts';
import { openDatabase } from '../../db/open-database.ts';
import { publishDemoReport } from '../../demo/publish-demo-report.ts';
import { runDemo } from '../../demo/run-demo.ts';
import type { HarnessInterrupted } from '../../chaos/harness-interrupted.ts';
import { listenForInterrupts } from '../../chaos/listen-for-interrupts.ts';
import { TriplegainError } from '../../shared/triplegain-error.ts';

export interface DemoActionOptions {
  /** The global `-c/--config` file; undefined for the default layers. */
  configFile: string | undefined;
  /** First bar, a UTC date. */
  from: string;
  /** Market days to replay, as typed; or `to`; neither: 60. */
  days?: string;
  /** End of the replay (exclusive), a UTC date. */
  to?: string;
  /** Where the report goes. */
  reportDir: string;
  /** Keep the replay's database beside the report, for `explain` and `audit`. */
  keep?: boolean;
}

/**
 * The work of `triplegain demo`: runs the replay, writes its report (`publishDemoReport`: named
 * after the pairs, timeframe and period, never over an earlier one) to `reportDir`, prints the
 * text report (its last line the audit's) and the replay time on stderr. With `keep`, the
 * replay's database goes to `<report>-db/` (a PGlite data directory) and the commands that
 * read it are printed. Exit code 1 when the audit of the books the replay left found a violation.
 *
 * SIGINT (Ctrl-C) or SIGTERM stops the replay before its next bar: its Redis keys are deleted
 * and its database closed, nothing is written, and the exit code is 130 or 143.
 */
export async function demoAction(options: DemoActionOptions): Promise<void> {
  const started = performance.now();
  if (options.days !== undefined && !/^\d+$/.test(options.days))
    throw new TriplegainError('CONFIG_INVALID', `--days ${options.days}: expected a whole number of days, at least 1`);
  let dump: Blob | undefined;
  const abort = new AbortController();
  const stopListening = listenForInterrupts(abort, (line) => console.error(line), 'demo');
  const report = await runDemo({
    signal: abort.signal,
    configFile: options.configFile,
    from: options.from,
    days: options.days === undefined ? undefined : Number(options.days),
    to: options.to,
    reportDir: options.reportDir,
    keepDatabase: options.keep
      ? async (d) => {
          dump = d;
        }
      : undefined,
  })
    .catch((err: unknown) => {
      if (!(abort.signal.aborted && err === abort.signal.reason)) throw err;
      const interrupted = err as HarnessInterrupted;
      console.error(`${interrupted.message}: stopped`);
      process.exitCode = interrupted.exitCode;
      return undefined;
    })
    .finally(stopListening);
  if (report === undefined) return;
  let text = '';
  const published = await publishDemoReport(report, {
    reportDir: options.reportDir,
    print: (t) => {
      text = t;
    },
  });
  // The report last: its last line is the audit's.
  if (dump) console.log(await keepDatabase(dump, `${published.base}-db`));
  console.log(text);
  console.error(`(replayed in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  if (published.exitCode !== 0) process.exitCode = published.exitCode;
}

/** Stores the replay's database as a PGlite data directory; returns the lines saying how to read it. */
async function keepDatabase(dump: Blob, dir: string): Promise<string> {
  const database = await openDatabase({ pgliteDir: dir, pgliteFrom: dump });
  try {
    // The last entry, else the last order of any kind (a first day may only rebalance).
    const [entry] = await database.db
      .select({ id: orders.clientOrderId })
      .from(orders)
      .orderBy(desc(sql`${orders.purpose} = 'entry'`), desc(orders.createdAt))
      .limit(1);
    // The last signal that was not a HOLD, else the last: every vote and abstention of the panel.
    const [signal] = await database.db
      .select({ id: tradingSignals.signalId })
      .from(tradingSignals)
      .orderBy(
        desc(sql`${tradingSignals.action} <> 'HOLD'`),
        desc(tradingSignals.candleOpenTime),
        desc(tradingSignals.signalId),
      )
      .limit(1);
    const relative = resolve(dir).startsWith(process.cwd() + '/') ? resolve(dir).slice(process.cwd().length + 1) : dir;
    const env = `DATABASE_URL= TRIPLEGAIN__DATABASE__PGLITE_DIR=${relative} TRIPLEGAIN__EXECUTION__EXCHANGE=paper`;
    return [
      `the replay's database is kept in ${relative}; read it with (an order, a signal: every vote and abstention)`,
      `  ${env} npx triplegain explain ${entry?.id ?? '<order, signal or decision id>'}`,
      ...(signal ? [`  ${env} npx triplegain explain ${signal.id}`] : []),
      `  ${env} npx triplegain audit`,
      '',
    ].join('\n');
  } finally {
    await database.close();
  }
}
