import type { Redis } from 'ioredis';
import type { DegradationLevel } from '../config/sections/degradation-config.ts';
import { DegradationState } from '../degradation/degradation-state.ts';
import type { Keys } from '../keys.ts';
import type { ControlPlane, ControlStatus } from './control-plane.ts';

export interface ClusterStatus {
  control: ControlStatus;
  degradation: { level: DegradationLevel; consecutiveFailures: number; consecutiveSuccesses: number };
  /** The risk state as the last risk decision left it (trading state, breakers); null before the first. */
  risk: Record<string, unknown> | null;
}

/** What `triplegain status` and `GET /control/status` show: state, level, paused queues, breakers. */
export async function readClusterStatus(deps: { control: ControlPlane; redis: Redis; keys: Keys }): Promise<ClusterStatus> {
  const [control, degradationJson, riskJson] = await Promise.all([deps.control.status(), deps.redis.get(deps.keys.degradation), deps.redis.get(deps.keys.riskStateMirror)]);
  const degradation = DegradationState.safeParse(degradationJson ? JSON.parse(degradationJson) : undefined);
  return {
    control,
    degradation: degradation.success
      ? { level: degradation.data.level, consecutiveFailures: degradation.data.consecutiveFailures, consecutiveSuccesses: degradation.data.consecutiveSuccesses }
      : { level: 'NORMAL', consecutiveFailures: 0, consecutiveSuccesses: 0 },
    risk: riskJson ? (JSON.parse(riskJson) as Record<string, unknown>) : null,
  };
}
