import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { shuffleSeeded } from '../shared/shuffle-seeded.ts';
import { faultKinds, type FaultKind } from './fault-kind.ts';

/** One fault of the schedule. */
export interface PlannedFault {
  kind: FaultKind;
  /** Wall time to wait after the previous fault's recovery (or the baseline's end). */
  gapMs: number;
  /** Which worker (`worker_kill`), as an index into the workers running; 0 otherwise. */
  target: number;
  /** How long redis-server stays down (`redis_kill`), ms of wall time; 0 otherwise. */
  downMs: number;
}

export interface PlanFaultsOptions {
  seed: number;
  /** How many faults to plan (the runner stops taking them when its time is up). */
  count: number;
  workers: number;
  /** Range of the pause between faults, ms of wall time. */
  gapMs: readonly [min: number, max: number];
}

/**
 * The fault schedule of a seed: rounds of every fault kind in a seeded order, so that a short
 * run meets each kind once before any repeats, with seeded gaps and targets. Pure: the same
 * options give the same schedule.
 */
export function planFaults(options: PlanFaultsOptions): PlannedFault[] {
  const rng = xoroshiro128plus(options.seed);
  const plan: PlannedFault[] = [];
  while (plan.length < options.count) {
    for (const kind of shuffleSeeded(rng, faultKinds)) {
      if (plan.length === options.count) break;
      const gapMs = uniformInt(rng, options.gapMs[0], options.gapMs[1]);
      const target = kind === 'worker_kill' ? uniformInt(rng, 0, options.workers - 1) : 0;
      const downMs = kind === 'redis_kill' ? uniformInt(rng, 200, 2_000) : 0;
      plan.push({ kind, gapMs, target, downMs });
    }
  }
  return plan;
}
