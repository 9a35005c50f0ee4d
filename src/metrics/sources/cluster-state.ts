import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { DegradationLevel } from '../../model/degradation-level.ts';
import type { ControlPlane } from '../../control/control-plane.ts';
import type { CoordinatorState } from '../../model/coordinator-state.ts';
import { DegradationState } from '../../degradation/degradation-state.ts';
import type { Keys } from '../../keys.ts';
import { RiskState } from '../../risk/risk-state.ts';

/** The risk state as the risk worker mirrors it in Redis (`keys.riskStateMirror`). */
const RiskStateMirror = RiskState.extend({ account: z.string() });

export interface ClusterState {
  trading: CoordinatorState;
  degradation: DegradationLevel;
  /** The risk state the last decision left; null before the first (or when unreadable). */
  risk: z.infer<typeof RiskStateMirror> | null;
  /** Breaker name → times it tripped (`keys.breakerTrips`). */
  breakerTrips: Record<string, number>;
  /** Scheduled runs skipped because the previous one was still going, per task and pair. */
  scheduleSkips: { task: string; symbol: string; skips: number }[];
}

/** Trading state, degradation level, risk state and the counters the workers keep in Redis. */
export async function readClusterState(deps: {
  control: Pick<ControlPlane, 'current'>;
  redis: Redis;
  keys: Keys;
}): Promise<ClusterState> {
  const { redis, keys } = deps;
  const [control, degradationJson, riskJson, breakerTrips, skips] = await Promise.all([
    deps.control.current(),
    redis.get(keys.degradation),
    redis.get(keys.riskStateMirror),
    redis.hgetall(keys.breakerTrips),
    redis.hgetall(keys.scheduleSkips),
  ]);
  // No state written yet is NORMAL, as `status` reads it.
  const degradation = DegradationState.safeParse(degradationJson ? JSON.parse(degradationJson) : undefined);
  const risk = RiskStateMirror.safeParse(riskJson ? JSON.parse(riskJson) : undefined);
  return {
    trading: control.state,
    degradation: degradation.success ? degradation.data.level : 'NORMAL',
    risk: risk.success ? risk.data : null,
    breakerTrips: Object.fromEntries(Object.entries(breakerTrips).map(([breaker, n]) => [breaker, Number(n)])),
    scheduleSkips: Object.entries(skips).map(([field, n]) => {
      const [task = '', symbol = ''] = field.split('|');
      return { task, symbol, skips: Number(n) };
    }),
  };
}
