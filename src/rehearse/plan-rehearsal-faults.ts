import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { shuffleSeeded } from '../shared/shuffle-seeded.ts';
import { rehearsalFaultKinds, type RehearsalFaultKind } from './rehearsal-fault-kind.ts';

/**
 * The private methods a fault of each kind may hit: the order calls and the reads that
 * reconciliation and the account valuation depend on. An AddOrder timeout hits AddOrder.
 */
export const FAULT_METHODS: Readonly<Record<Exclude<RehearsalFaultKind, 'dead_man_switch_outage'>, readonly string[]>> =
  {
    add_order_timeout: ['AddOrder'],
    server_error: ['AddOrder', 'CancelOrder', 'OpenOrders', 'QueryOrders', 'BalanceEx'],
    dropped_connection: ['AddOrder', 'CancelOrder', 'OpenOrders', 'ClosedOrders', 'BalanceEx'],
    nonce_error: ['AddOrder', 'OpenOrders', 'BalanceEx'],
  };

/** One fault of the rehearsal's schedule. */
export interface PlannedRehearsalFault {
  kind: RehearsalFaultKind;
  /** The private method whose next request it hits; null for an outage (every request). */
  method: string | null;
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
 * each kind once before any repeats), with seeded methods, gaps and outage lengths. Pure: the
 * same options give the same schedule.
 */
export function planRehearsalFaults(options: PlanRehearsalFaultsOptions): PlannedRehearsalFault[] {
  const rng = xoroshiro128plus(options.seed);
  const plan: PlannedRehearsalFault[] = [];
  while (plan.length < options.count) {
    for (const kind of shuffleSeeded(rng, rehearsalFaultKinds)) {
      if (plan.length === options.count) break;
      const gapMs = uniformInt(rng, options.gapMs[0], options.gapMs[1]);
      if (kind === 'dead_man_switch_outage') {
        plan.push({ kind, method: null, gapMs, outageMs: uniformInt(rng, options.outageMs[0], options.outageMs[1]) });
      } else {
        const methods = FAULT_METHODS[kind];
        plan.push({ kind, method: methods[uniformInt(rng, 0, methods.length - 1)]!, gapMs, outageMs: 0 });
      }
    }
  }
  return plan;
}
