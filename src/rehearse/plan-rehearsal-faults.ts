import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { shuffleSeeded } from '../shared/shuffle-seeded.ts';
import { rehearsalFaultKinds, type RehearsalFaultKind } from './rehearsal-fault-kind.ts';

/** One fault of the rehearsal's schedule. */
export interface PlannedRehearsalFault {
  kind: RehearsalFaultKind;
  /** Wall time to wait after the previous fault (or the start of the schedule). */
  gapMs: number;
  /** How long Kraken stays unreachable (`dead_man_switch_outage`), ms of wall time; 0 otherwise. */
  outageMs: number;
}

export interface PlanRehearsalFaultsOptions {
  seed: number;
  /** How many faults to plan (the runner stops taking them when its time is up). */
  count: number;
  /** Range of the pause between faults, ms of wall time. */
  gapMs: readonly [min: number, max: number];
  /** Range of an outage, ms of wall time. */
  outageMs: readonly [min: number, max: number];
}

/**
 * The fault schedule of a seed: rounds of every fault kind in a seeded order (a short run meets
 * each kind once before any repeats), with seeded gaps and outage lengths. Pure: the same
 * options give the same schedule.
 */
export function planRehearsalFaults(options: PlanRehearsalFaultsOptions): PlannedRehearsalFault[] {
  const rng = xoroshiro128plus(options.seed);
  const plan: PlannedRehearsalFault[] = [];
  while (plan.length < options.count) {
    for (const kind of shuffleSeeded(rng, rehearsalFaultKinds)) {
      if (plan.length === options.count) break;
      const gapMs = uniformInt(rng, options.gapMs[0], options.gapMs[1]);
      const outageMs = kind === 'dead_man_switch_outage' ? uniformInt(rng, options.outageMs[0], options.outageMs[1]) : 0;
      plan.push({ kind, gapMs, outageMs });
    }
  }
  return plan;
}
