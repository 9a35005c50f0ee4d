import { constants } from 'node:fs';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { openRuntime } from '../../runtime/open-runtime.ts';
import { createLogger } from '../../shared/logger.ts';
import { describeError, TriplegainError } from '../../shared/triplegain-error.ts';
import { renderSweepCsv, renderSweepTable } from '../../sweep/render-sweep-table.ts';
import { runSweep } from '../../sweep/run-sweep.ts';
import { sameFiguresEverywhere } from '../../sweep/same-figures-everywhere.ts';
import type { SweepMetric } from '../../sweep/sweep-spec.ts';
import { wholeNumberOption } from '../whole-number-option.ts';

export interface SweepActionOptions {
  grid: string;
  metric?: SweepMetric;
  workers: string;
  out: string;
  configFile: string | undefined;
}

/**
 * The work of `triplegain sweep`: runs the sweep (`runSweep`) on the cluster's Redis, prints
 * the ranked table and writes it as `<out>/sweep-<id>.csv` and `.json`. Exit code 1 when a run
 * failed or a run's audit found a violation.
 */
export async function sweepAction(options: SweepActionOptions): Promise<void> {
  const workers = wholeNumberOption('--workers', options.workers, { min: 0, max: 64 });
  const logger = createLogger({ level: 'warn', stderr: true });
  const rt = await openRuntime({
    configFile: options.configFile,
    allowEmbeddedRedis: true,
    service: 'triplegain-sweep',
    logger,
  });
  // Where the results go, made before any run: a bad --out must not cost a whole sweep.
  const dir = resolve(options.out);
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (err) {
    await rt.close();
    throw new TriplegainError('INPUT_INVALID', `--out ${options.out}: cannot write there (${describeError(err)})`);
  }
  // Ctrl-C or SIGTERM: the runs not yet started come off the queue and the running ones are
  // waited for (runSweep says how many); a second one stops waiting.
  const interrupt = new AbortController();
  const stopNow = new AbortController();
  const stop = () => (interrupt.signal.aborted ? stopNow.abort() : interrupt.abort());
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    const outcome = await runSweep({
      gridFile: resolve(options.grid),
      ...(options.configFile === undefined ? {} : { configFile: resolve(options.configFile) }),
      signal: interrupt.signal,
      stopNow: stopNow.signal,
      ...(options.metric === undefined ? {} : { metric: options.metric }),
      workers,
      lockDurationMs: 30_000,
      redisUrl: rt.redisUrl,
      keys: rt.keys,
      logger,
      print: (line) => console.log(line),
    });
    console.log('');
    console.log(renderSweepTable(outcome));
    if (sameFiguresEverywhere(outcome.results))
      console.log(
        `\nevery run gave the same figures: the grid's values changed nothing the replays did (a setting of a model the panel does not ask, say, or a strategy that sets its own stops)`,
      );
    const base = join(dir, `sweep-${outcome.sweepId}`);
    await writeFile(`${base}.csv`, renderSweepCsv(outcome));
    await writeFile(`${base}.json`, `${JSON.stringify(outcome, null, 2)}\n`);
    console.log(`\nresults: ${base}.csv`);
    if (outcome.interrupted) {
      console.error(
        `sweep ${outcome.sweepId} interrupted: ${outcome.results.length + outcome.failed.length} runs finished, ${outcome.interrupted.removed} never started` +
          (outcome.interrupted.unfinished
            ? `, ${outcome.interrupted.unfinished} stopped unfinished (their workers skip them)`
            : ''),
      );
      process.exitCode = 130;
      return;
    }
    const unaudited = outcome.results.filter((r) => r.auditViolations > 0);
    if (outcome.failed.length > 0 || unaudited.length > 0) {
      if (unaudited.length > 0)
        console.error(
          `audit violations in runs ${unaudited.map((r) => r.index).join(', ')}: run them with demo to see`,
        );
      process.exitCode = 1;
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await rt.close();
  }
}
