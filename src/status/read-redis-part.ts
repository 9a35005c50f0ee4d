import type { Redis } from 'ioredis';
import { topicStats } from '../bus/bus-stats.ts';
import { topics } from '../bus/topics.ts';
import { ControlStateRecord, INITIAL_CONTROL_STATE } from '../control/control-state-record.ts';
import { submissionsInFlight } from '../control/submission-fence.ts';
import { DegradationState } from '../degradation/degradation-state.ts';
import type { Keys } from '../keys.ts';
import { queueNames } from '../queues/queue-names.ts';
import { RiskState } from '../risk/risk-state.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { readQueueHealth } from './read-queue-health.ts';
import { RiskSection, type BusTopicLag, type ControlSection, type RedisPart } from './status-document.ts';

/** The risk mirror as the risk worker writes it: the state and its account. */
const RiskMirror = RiskState.extend({ account: RiskSection.shape.account });

/**
 * What Redis knows: the trading state, degradation, risk breakers, every queue's counts and
 * every bus group's lag, read at once. Reads only.
 *
 * @throws TriplegainError `DATA_INVALID` when the control state or the risk mirror is unreadable.
 */
export async function readRedisPart(deps: { redis: Redis; keys: Keys }): Promise<RedisPart> {
  const { redis, keys } = deps;
  const [control, inFlight, pending, degradationJson, riskJson, queues, bus] = await Promise.all([
    redis.hgetall(keys.controlState),
    submissionsInFlight(redis, keys),
    redis.zrange(keys.protectionPending, 0, -1),
    redis.get(keys.degradation),
    redis.get(keys.riskStateMirror),
    Promise.all(queueNames.map((name) => readQueueHealth(redis, keys, name))),
    readBus(redis, keys),
  ]);
  return {
    available: true,
    control: controlSection(
      control,
      queues.filter((q) => q.paused).map((q) => q.name),
      inFlight,
      pending,
    ),
    degradation: degradationSection(degradationJson),
    risk: riskSection(riskJson),
    queues,
    bus,
  };
}

function controlSection(
  hash: Record<string, string>,
  pausedQueues: string[],
  submissionsInFlight: string[],
  protectionPending: string[],
): ControlSection {
  let record = INITIAL_CONTROL_STATE;
  if (Object.keys(hash).length > 0) {
    const parsed = ControlStateRecord.safeParse(hash);
    // Shown as unreadable, never as RUNNING.
    if (!parsed.success)
      throw new TriplegainError(
        'DATA_INVALID',
        `the control state is unreadable: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
      );
    record = parsed.data;
  }
  const { state, version, resets, changedAtMs, requestedBy, reason, cancelOrders, flatten } = record;
  return {
    stored: Object.keys(hash).length > 0,
    state,
    version,
    resets,
    changedAtMs,
    requestedBy,
    reason,
    cancelOrders,
    flatten,
    pausedQueues,
    submissionsInFlight,
    protectionPending,
  };
}

function degradationSection(json: string | null): RedisPart['degradation'] {
  // No state stored yet: the monitor has seen nothing fail, which is NORMAL.
  const parsed = DegradationState.safeParse(json === null ? undefined : safeJson(json));
  if (!parsed.success) return { level: 'NORMAL', consecutiveFailures: 0, consecutiveSuccesses: 0 };
  return {
    level: parsed.data.level,
    consecutiveFailures: parsed.data.consecutiveFailures,
    consecutiveSuccesses: parsed.data.consecutiveSuccesses,
  };
}

function riskSection(json: string | null): RedisPart['risk'] {
  if (json === null) return null;
  const parsed = RiskMirror.safeParse(safeJson(json));
  if (!parsed.success)
    throw new TriplegainError(
      'DATA_INVALID',
      `the risk state mirror is unreadable: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
    );
  const r = parsed.data;
  return {
    account: r.account,
    tradingState: r.tradingState,
    breakers: r.breakers,
    consecutiveLosses: r.consecutiveLosses,
    cooldownUntilMs: r.cooldownUntilMs,
    entriesPausedUntilMs: r.entriesPausedUntilMs,
    peakEquityUsd: r.peakEquityUsd,
    dayStartEquityUsd: r.dayStartEquityUsd,
    updatedAtMs: r.updatedAtMs,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Every topic that has a consumer group, with each group's pending and lag. */
async function readBus(redis: Redis, keys: Keys): Promise<BusTopicLag[]> {
  const stats = await Promise.all(topics.map((topic) => topicStats(redis, keys, topic)));
  return stats
    .filter((s) => s.groups.length > 0 || s.length > 0)
    .map((s) => ({
      topic: s.topic,
      length: s.length,
      deadLetters: s.deadLetters,
      groups: s.groups.map((g) => ({
        group: g.name,
        consumers: g.consumers,
        pending: g.pending,
        lag: g.lag,
        lagExact: g.lagExact,
      })),
    }));
}
