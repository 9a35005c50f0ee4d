/**
 * Every Redis key the system uses is built here and nowhere else.
 *
 * The prefix comes from config (`redis.keyPrefix`, default `tg`). A Redis Cluster deployment
 * uses a hash-tagged prefix such as `{tg}` so that a topic's lanes, its dead-letter stream and
 * its indexes land in one slot and the bus Lua scripts may touch them together.
 */
export interface Keys {
  readonly prefix: string;
  /** Main lane of a topic: every priority except `urgent`. */
  busStream(topic: string): string;
  /** Priority lane of a topic: `urgent` messages, read before the main lane. */
  busUrgentStream(topic: string): string;
  /** Dead-letter stream of a topic. */
  dlq(topic: string): string;
  /** Hash: `<symbol>|<source>` and `<symbol>|*` → last message published for that pair. */
  latest(topic: string): string;
  /** Hash of counters per consumer group: `<group>:delivered`, `:failed`, `:dead_lettered`, … */
  busStats(topic: string): string;
  /** Marker that a side effect for a message already happened (idempotency helper). */
  idempotency(scope: string, messageId: string): string;
  /** Prefix handed to BullMQ (`<prefix>:q:<queue>:…`). */
  readonly queuePrefix: string;
  /** Hash: `<task>|<symbol>` → scheduled runs skipped because the previous run was still going. */
  readonly scheduleSkips: string;
  /** Hash: job durations of one queue as histogram counters (`<outcome>|<le>`, `<outcome>|count`, `<outcome>|sum_ms`), for `/metrics`. */
  jobDurations(queue: string): string;
  /** Hash: breaker name → times it tripped, for `/metrics`. */
  readonly breakerTrips: string;
  /** Hash `{ counter, ts }`: a rate-limit counter shared by every replica, e.g. `kraken:public`. */
  rateLimit(name: string): string;
  /** String: the job id running `<task>` for a symbol right now (one run per task and symbol, cluster-wide). */
  runLease(task: string, symbolSlug: string): string;
  /** String: the parent job id of the `<flow>` in progress for a symbol (one flow per symbol). */
  flowSlot(flow: string, symbolSlug: string): string;
  /** String (JSON): the replay clock every process shares: market time at a wall time, and the speed. */
  readonly replayClock: string;
  /** String: the degradation state as JSON (`DegradationState`), shared by every replica. */
  readonly degradation: string;
  /** Hash: the coordinator state (`state`, `version`, `changedAtMs`, `by`, `reason`, halt options). */
  readonly controlState: string;
  /** Sorted set: order submissions in flight (member: submission id, score: expiry ms); `halt` waits for it to empty. */
  readonly submissionsInFlight: string;
  /** String (JSON): the risk state as the last risk decision left it, for `status` and dashboards. */
  readonly riskStateMirror: string;
  /** String: the worker that keeps the exchange's dead man's switch armed (one holder, cluster-wide). */
  readonly deadManSwitchLease: string;
  /** String: wall time (ms) at which the exchange cancels every order unless the switch is re-armed; `0` once disarmed. */
  readonly deadManSwitchTrigger: string;
  /** Sorted set: why open positions may lack their stops (member: reason, score: Redis time ms when marked); entries wait while it is not empty. */
  readonly protectionPending: string;
  /** String (JSON): Kraken's `AssetPairs` answer and when it was fetched (wall ms), the instrument rules every replica trades by. */
  readonly krakenAssetPairs: string;
  /** Hash: one alert's dedupe window (`<kind>`, hash of its subject): when it opened, occurrences counted, and which. */
  alertWindow(kind: string, subjectHash: string): string;
}

export function createKeys(prefix = 'tg'): Keys {
  if (!/^[A-Za-z0-9_{}:.-]+$/.test(prefix)) {
    throw new Error(`invalid key prefix ${JSON.stringify(prefix)}: use letters, digits and _ { } : . -`);
  }
  return {
    prefix,
    busStream: (topic) => `${prefix}:bus:${topic}`,
    busUrgentStream: (topic) => `${prefix}:bus:${topic}:urgent`,
    dlq: (topic) => `${prefix}:dlq:${topic}`,
    latest: (topic) => `${prefix}:latest:${topic}`,
    busStats: (topic) => `${prefix}:stats:bus:${topic}`,
    idempotency: (scope, messageId) => `${prefix}:idem:${scope}:${messageId}`,
    queuePrefix: `${prefix}:q`,
    scheduleSkips: `${prefix}:metrics:schedule_skips`,
    jobDurations: (queue) => `${prefix}:metrics:job_durations:${queue}`,
    breakerTrips: `${prefix}:metrics:breaker_trips`,
    rateLimit: (name) => `${prefix}:ratelimit:${name}`,
    runLease: (task, symbolSlug) => `${prefix}:lease:run:${task}:${symbolSlug}`,
    flowSlot: (flow, symbolSlug) => `${prefix}:lease:flow:${flow}:${symbolSlug}`,
    replayClock: `${prefix}:replay:clock`,
    degradation: `${prefix}:state:degradation`,
    controlState: `${prefix}:state:control`,
    submissionsInFlight: `${prefix}:state:submissions_in_flight`,
    riskStateMirror: `${prefix}:state:risk`,
    deadManSwitchLease: `${prefix}:lease:dead-man-switch`,
    deadManSwitchTrigger: `${prefix}:state:dead_man_switch_trigger`,
    protectionPending: `${prefix}:state:protection_pending`,
    krakenAssetPairs: `${prefix}:cache:kraken:asset_pairs`,
    alertWindow: (kind, subjectHash) => `${prefix}:alerts:window:${kind}:${subjectHash}`,
  };
}
