import { z } from 'zod';
import type { DemoReport } from '../demo/demo-report.ts';
import { GridValue } from './sweep-spec.ts';

const Figure = z.string().nullable();

/** What one run of a sweep measured (the job's return value). Money and ratios are decimal strings. */
export const SweepResult = z
  .object({
    index: z.number().int().nonnegative(),
    values: z.record(z.string(), GridValue),
    returnPct: z.string(),
    strategyPnlUsd: z.string(),
    sharpe: Figure,
    sortino: Figure,
    maxDrawdownPct: z.string(),
    profitFactor: Figure,
    winRatePct: Figure,
    closedTrades: z.number().int().nonnegative(),
    feesUsd: z.string(),
    auditViolations: z.number().int().nonnegative(),
    /** The worker that ran it and the wall time it took. */
    worker: z.string(),
    elapsedMs: z.number().int().nonnegative(),
  })
  .strict();
export type SweepResult = z.infer<typeof SweepResult>;

/** A run's figures from its replay's report. */
export function sweepResultOf(
  report: DemoReport,
  run: { index: number; values: SweepResult['values']; worker: string; elapsedMs: number },
): SweepResult {
  const { statistics, reconciliation } = report.performance;
  return {
    index: run.index,
    values: run.values,
    returnPct: report.money.returnPct,
    strategyPnlUsd: reconciliation.strategyPnlUsd,
    sharpe: statistics.sharpe,
    sortino: statistics.sortino,
    maxDrawdownPct: statistics.maxDrawdownPct,
    profitFactor: statistics.profitFactor,
    winRatePct: statistics.winRatePct,
    closedTrades: statistics.closedTrades,
    feesUsd: report.money.feesUsd,
    auditViolations: report.audit.violations.length,
    worker: run.worker,
    elapsedMs: run.elapsedMs,
  };
}
