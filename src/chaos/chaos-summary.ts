import { percentile } from '../shared/percentile.ts';
import { faultKinds } from './fault-kind.ts';
import type { FaultOutcome } from './fault-outcome.ts';
import type { LogCounts } from './scan-logs.ts';

/** Orders the exchange received in a stretch of the run. */
export interface OrderRate {
  orders: number;
  wallMs: number;
}

/** Everything a chaos run found. */
export interface ChaosResult {
  seed: number;
  workers: number;
  /** The stretch without faults, then the stretch with them. */
  baseline: OrderRate;
  faulted: OrderRate;
  faults: readonly FaultOutcome[];
  /** Processes that exited without being told to, one description each. */
  unplannedExits: readonly string[];
  logs: LogCounts;
  audit: { violations: number; invariantsChecked: number };
}

export interface ChaosSummary {
  lines: string[];
  /** Orders over the whole run (baseline and faults) and its wall time. */
  totals: OrderRate;
  /** Why the run failed; empty when it passed. */
  failures: string[];
}

const seconds = (ms: number | undefined) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`);
const perMinute = (rate: OrderRate) => (rate.wallMs > 0 ? ((rate.orders * 60_000) / rate.wallMs).toFixed(1) : '–');

/**
 * The run as text: one line per fault kind (how often, recovery p50 and max, what it counted),
 * the order rates with and without faults, then
 * `chaos: <kills> kills, <orders> orders, <n> submissions after halt returned, <crashes> unplanned exits, audit <v> violations`.
 * The run fails on a submission after a halt returned, an unplanned exit, an audit violation,
 * a Bull Board resume accepted while HALTED or answered otherwise than by the kill switch's
 * refusal, a halt lost (not whole at the end of its hold, or not back in time after a flush),
 * or a fault after which the pipeline never flowed again.
 */
export function summarizeChaos(result: ChaosResult): ChaosSummary {
  const lines: string[] = [];
  for (const kind of faultKinds) {
    const of = result.faults.filter((f) => f.kind === kind);
    if (of.length === 0) {
      lines.push(`${kind}: not run`);
      continue;
    }
    const recovered = of.flatMap((f) => (f.recoveryMs === undefined ? [] : [f.recoveryMs]));
    const parts = [
      `${of.length}×`,
      `recovery p50 ${seconds(percentile(recovered, 50))}, max ${seconds(recovered.length ? Math.max(...recovered) : undefined)}`,
    ];
    const stalls = of.length - recovered.length;
    if (stalls > 0) parts.push(`${stalls} never recovered`);
    const kills = of.reduce((n, f) => n + f.kills, 0);
    if (kills > 0) parts.push(`${kills} kills`);
    if (kind === 'halt_resume' || kind === 'flush_while_halted') {
      const tried = of.reduce((n, f) => n + f.boardResumes.tried, 0);
      const accepted = of.reduce((n, f) => n + f.boardResumes.accepted, 0);
      const unexpected = of.reduce((n, f) => n + f.boardResumes.unexpected.length, 0);
      parts.push(
        `${of.reduce((n, f) => n + f.submissionsAfterHalt, 0)} submissions after halt`,
        `board resumes refused ${tried - accepted - unexpected}/${tried}`,
      );
      if (unexpected > 0) parts.push(`${unexpected} board answers not the kill switch's`);
      parts.push(`halt held ${of.filter((f) => !f.haltLost).length}/${of.length}`);
    }
    if (kind === 'flush_while_halted') {
      const restored = of.flatMap((f) => (f.haltRestoredMs === undefined ? [] : [f.haltRestoredMs]));
      if (restored.length > 0) parts.push(`restored within ${Math.max(...restored)} ms`);
    }
    if (kind === 'backend_terminate')
      parts.push(`${of.reduce((n, f) => n + (f.terminatedBackends ?? 0), 0)} backends terminated`);
    lines.push(`${kind}: ${parts.join(' · ')}`);
  }
  const withFaults =
    result.faulted.wallMs > 0
      ? `, ${perMinute(result.faulted)} with faults (${result.faulted.orders} in ${seconds(result.faulted.wallMs)})`
      : '';
  lines.push(
    `orders per minute: ${perMinute(result.baseline)} without faults (${result.baseline.orders} in ${seconds(result.baseline.wallMs)})${withFaults}`,
  );
  lines.push(
    `logs: ${result.logs.errorLines} error lines, ${result.logs.refusedLines} naming ECONNREFUSED, from ${result.logs.processes} processes`,
  );
  for (const exit of result.unplannedExits) lines.push(`unplanned exit: ${exit}`);

  const kills = result.faults.reduce((n, f) => n + f.kills, 0);
  const orders = result.baseline.orders + result.faulted.orders;
  const afterHalt = result.faults.reduce((n, f) => n + f.submissionsAfterHalt, 0);
  lines.push(
    `chaos: ${kills} kills, ${orders} orders, ${afterHalt} submissions after halt returned, ${result.unplannedExits.length} unplanned exits, audit ${result.audit.violations} violations`,
  );

  const failures: string[] = [];
  if (afterHalt > 0) failures.push(`${afterHalt} submissions after a halt returned`);
  if (result.unplannedExits.length > 0) failures.push(`${result.unplannedExits.length} unplanned exits`);
  if (result.audit.violations > 0) failures.push(`${result.audit.violations} audit violations`);
  const accepted = result.faults.reduce((n, f) => n + f.boardResumes.accepted, 0);
  if (accepted > 0) failures.push(`${accepted} Bull Board resumes accepted while HALTED`);
  const unexpected = result.faults.reduce((n, f) => n + f.boardResumes.unexpected.length, 0);
  if (unexpected > 0)
    failures.push(`${unexpected} Bull Board answers other than the kill switch's refusal (resume not checked)`);
  const lost = result.faults.filter((f) => f.haltLost).length;
  if (lost > 0)
    failures.push(
      `${lost} halts lost (not HALTED with its queues paused at the end of the hold, or not back in time after a flush)`,
    );
  const stalls = result.faults.filter((f) => f.recoveryMs === undefined).length;
  if (stalls > 0) failures.push(`${stalls} faults after which the pipeline never flowed again`);
  return { lines, failures, totals: { orders, wallMs: result.baseline.wallMs + result.faulted.wallMs } };
}
