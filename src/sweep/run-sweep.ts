import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { Keys } from '../keys.ts';
import type { Logger } from '../shared/logger.ts';
import { projectRoot } from '../shared/project-root.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { describeValues } from './describe-values.ts';
import { planSweepRuns } from './plan-sweep-runs.ts';
import { rankSweepResults } from './rank-sweep-results.ts';
import { SWEEP_QUEUE, sweepJobId, sweepLiveKey, type SweepJobData } from './sweep-job.ts';
import { SweepResult } from './sweep-result.ts';
import type { GridValue, SweepMetric, SweepSpec } from './sweep-spec.ts';

export interface SweepOptions {
  /** The sweep file (`SweepSpec`). */
  gridFile: string;
  /** Overrides the file's `metric`. */
  metric?: SweepMetric;
  /**
   * The config file the runs start from when the sweep file names no `base`: the CLI's
   * `-c/--config`, else `config/local.yaml` when present (as every other command).
   */
  configFile?: string;
  /**
   * Interrupts the sweep (the first Ctrl-C): the runs not yet started are taken off the queue,
   * the running ones are waited for, and the outcome has the runs that finished.
   */
  signal?: AbortSignal;
  /**
   * Stops waiting at once (a second Ctrl-C): the local workers are killed, and the runs still
   * running are skipped by whichever worker takes them up again (`sweepLiveKey`).
   */
  stopNow?: AbortSignal;
  /**
   * Sweep workers this command starts for the sweep's duration (`sweep-worker` processes on
   * this machine); 0 leaves the runs to workers already up.
   */
  workers: number;
  /** Wall time a run's lock lasts in the workers this command starts (see `startSweepWorker`). */
  lockDurationMs: number;
  redisUrl: string;
  keys: Keys;
  logger: Logger;
  /** Progress and the table go here, line by line. */
  print: (line: string) => void;
}

export interface SweepOutcome {
  sweepId: string;
  /** The replayed period, as the sweep file gives it. */
  period: Pick<SweepSpec, 'from' | 'days' | 'to'>;
  /** The config file every run started from; null for the defaults. */
  base: string | null;
  metric: SweepMetric;
  /** The grid's config paths, in the file's order. */
  paths: string[];
  /** Best first by `metric`. */
  results: SweepResult[];
  failed: { index: number; values: Record<string, GridValue>; reason: string }[];
  /**
   * Set when the sweep was interrupted: how many runs were taken off the queue unrun, and
   * (stopped at once) how many were left running, for their workers to skip.
   */
  interrupted?: { removed: number; unfinished?: number };
}

/** Attempts of one run: a run whose worker died is retried by BullMQ's stall check, a failing one twice more. */
const ATTEMPTS = 3;
/** Runs are kept this long (wall time) in Redis for Bull Board and `sweep` results. */
const KEEP_SECONDS = 7 * 86_400;
/** How long a sweep's live key outlives its last renewal (wall time). */
const LIVE_TTL_MS = 30_000;

/**
 * `triplegain sweep --grid FILE`: fans every combination of the grid out as BullMQ jobs on the
 * `sweep` queue, each a whole replay of the period (`runSweepJob`: its own Redis key prefix,
 * its own in-memory database), run by whatever sweep workers are up (and `workers` started
 * here), prints each run as it finishes and returns the runs ranked by the metric.
 *
 * Every point's config is checked first (the config schema, and every strategy file loaded
 * with its params): one bad point adds no job at all.
 *
 * @throws TriplegainError `INPUT_INVALID` for a sweep file that does not parse, `CONFIG_INVALID`
 *   for a point whose config is refused (named by its values).
 */
export async function runSweep(options: SweepOptions): Promise<SweepOutcome> {
  const sweepId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  // Both checks come before anything is written to Redis: a refused sweep leaves nothing behind.
  if (options.workers === 0) await refuseWithoutWorkers(options);
  const { spec, baseFile, jobs } = await planSweepRuns({
    gridFile: options.gridFile,
    ...(options.configFile === undefined ? {} : { configFile: options.configFile }),
    sweepId,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const liveKey = sweepLiveKey(options.keys.prefix, sweepId);
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null, connectionName: 'triplegain-sweep' });
  const queue = new Queue<SweepJobData, SweepResult>(SWEEP_QUEUE, { connection, prefix: options.keys.queuePrefix });
  const eventsConnection = new Redis(options.redisUrl, {
    maxRetriesPerRequest: null,
    connectionName: 'triplegain-sweep-events',
  });
  const events = new QueueEvents(SWEEP_QUEUE, { connection: eventsConnection, prefix: options.keys.queuePrefix });
  const children: ChildProcess[] = [];
  let alive: NodeJS.Timeout | undefined;
  try {
    const metric = options.metric ?? spec.metric;
    await events.waitUntilReady();
    // Alive while this command waits (wall time: renewed every 10 s, gone 30 s after it dies).
    await connection.set(liveKey, '1', 'PX', LIVE_TTL_MS);
    alive = setInterval(() => void connection.set(liveKey, '1', 'PX', LIVE_TTL_MS).catch(() => {}), LIVE_TTL_MS / 3);
    await queue.addBulk(
      jobs.map((data) => ({
        name: 'run',
        data,
        opts: {
          jobId: sweepJobId(sweepId, data.index),
          attempts: ATTEMPTS,
          backoff: { type: 'fixed', delay: 1_000 },
          removeOnComplete: { age: KEEP_SECONDS },
          removeOnFail: { age: KEEP_SECONDS },
        },
      })),
    );
    options.print(
      `sweep ${sweepId}: ${plural(jobs.length, 'run')} of ${describePeriod(spec)}, config ${baseFile ?? 'the defaults'}, on queue ${SWEEP_QUEUE}` +
        (options.workers > 0 ? `, ${plural(options.workers, 'local worker')}` : ', by the workers up'),
    );
    for (let i = 0; i < options.workers; i++) children.push(startLocalWorker(options));
    const period = { from: spec.from, ...(spec.to === undefined ? { days: spec.days ?? 60 } : { to: spec.to }) };
    return await collect(options, {
      sweepId,
      period,
      base: baseFile ?? null,
      metric,
      paths: Object.keys(spec.grid),
      jobs,
      queue,
      events,
      children,
    });
  } finally {
    clearInterval(alive);
    // Runs still queued or running after this are nobody's: the workers skip them.
    await connection.del(liveKey).catch(() => {});
    const now = options.stopNow?.aborted === true;
    for (const child of children) child.kill(now ? 'SIGKILL' : 'SIGTERM');
    await Promise.all(children.map((child) => exited(child)));
    await events.close();
    await queue.close();
    connection.disconnect();
    eventsConnection.disconnect();
  }
}

/**
 * Fails rather than wait for ever on a queue nobody takes from. It only looks: BullMQ's Queue
 * writes the queue's meta key when created, unless told to skip it.
 *
 * @throws TriplegainError `INPUT_INVALID` when no sweep worker is up on the prefix.
 */
async function refuseWithoutWorkers(options: SweepOptions): Promise<void> {
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null, connectionName: 'triplegain-sweep' });
  const queue = new Queue(SWEEP_QUEUE, { connection, prefix: options.keys.queuePrefix, skipMetasUpdate: true });
  try {
    if ((await queue.getWorkersCount()) === 0)
      throw new TriplegainError(
        'INPUT_INVALID',
        `no sweep worker is up on this Redis (prefix ${options.keys.prefix}): start \`triplegain sweep-worker\` or give --workers N`,
      );
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** Waits for every run to finish (completed, or failed for good), printing each. */
async function collect(
  options: SweepOptions,
  sweep: {
    sweepId: string;
    period: SweepOutcome['period'];
    base: string | null;
    metric: SweepMetric;
    paths: string[];
    jobs: readonly SweepJobData[];
    queue: Queue<SweepJobData, SweepResult>;
    events: QueueEvents;
    children: readonly ChildProcess[];
  },
): Promise<SweepOutcome> {
  const { jobs, queue, events } = sweep;
  const pending = new Set(jobs.map((j) => sweepJobId(sweep.sweepId, j.index)));
  const results: SweepResult[] = [];
  const failed: SweepOutcome['failed'] = [];
  const valuesOf = (index: number) => jobs[index]!.values;

  return new Promise<SweepOutcome>((resolveOutcome, reject) => {
    let checking = false;
    let removedUnrun: number | undefined;
    let finished = false;
    const finish = (unfinished?: number) => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      resolveOutcome({
        sweepId: sweep.sweepId,
        period: sweep.period,
        base: sweep.base,
        metric: sweep.metric,
        paths: sweep.paths,
        results: rankSweepResults(results, sweep.metric),
        failed: failed.sort((a, b) => a.index - b.index),
        ...(removedUnrun === undefined && unfinished === undefined
          ? {}
          : { interrupted: { removed: removedUnrun ?? 0, ...(unfinished === undefined ? {} : { unfinished }) } }),
      });
    };
    const settle = async (jobId: string) => {
      if (!pending.has(jobId)) return;
      const job = await queue.getJob(jobId);
      const state = job ? await job.getState() : 'unknown';
      if (state !== 'completed' && state !== 'failed') return;
      if (!pending.delete(jobId)) return;
      const index = job!.data.index;
      // Finished runs so far, this one included (runs taken off the queue are not finished).
      const done = results.length + failed.length + 1;
      if (state === 'completed') {
        const result = SweepResult.parse(job!.returnvalue);
        results.push(result);
        const figure = sweep.metric === 'returnPct' ? '' : `${sweep.metric} ${result[sweep.metric] ?? '–'}, `;
        options.print(
          `[${done}/${jobs.length}] run ${index} ${describeValues(result.values)}: ${figure}return ${result.returnPct} % (${(result.elapsedMs / 1000).toFixed(1)} s on ${result.worker}${job!.attemptsStarted > 1 ? `, attempt ${job!.attemptsStarted}` : ''})`,
        );
      } else {
        const reason = job!.failedReason;
        failed.push({ index, values: valuesOf(index), reason });
        options.print(`[${done}/${jobs.length}] run ${index} ${describeValues(valuesOf(index))} FAILED: ${reason}`);
      }
      if (pending.size === 0) finish();
    };
    const onError = (err: unknown) => {
      clearInterval(timer);
      reject(err);
    };
    events.on('completed', ({ jobId }) => void settle(jobId).catch(onError));
    events.on('failed', ({ jobId }) => void settle(jobId).catch(onError));
    events.on('stalled', ({ jobId }) => {
      if (pending.has(jobId))
        options.print(`run ${jobId}: its worker stopped answering; the run goes back to the queue`);
    });
    // Events are the fast path; this look at every pending run (wall time, every 2 s) catches
    // one missed while a connection was down, and local workers that all died.
    const timer = setInterval(() => {
      if (checking) return;
      checking = true;
      void Promise.all([...pending].map((id) => settle(id)))
        .then(() => {
          if (sweep.children.length > 0 && sweep.children.every((c) => c.exitCode !== null || c.signalCode !== null))
            onError(
              new TriplegainError('INPUT_INVALID', `every local sweep worker exited with ${pending.size} runs left`),
            );
        })
        .catch(onError)
        .finally(() => (checking = false));
    }, 2_000);
    // Interrupted: the runs no worker has started are taken off the queue, and the running ones
    // waited for; their results are the outcome. Stopped now: nothing more is waited for.
    const interrupted = () =>
      void (async () => {
        let removed = 0;
        for (const jobId of [...pending]) {
          const job = await queue.getJob(jobId);
          const state = job ? await job.getState() : 'unknown';
          if (state !== 'waiting' && state !== 'delayed' && state !== 'prioritized') continue;
          // A worker may take it meanwhile: it is then running, and waited for.
          const gone = await job!.remove().then(
            () => true,
            () => false,
          );
          if (gone && pending.delete(jobId)) removed += 1;
        }
        removedUnrun = removed;
        options.print(
          `sweep ${sweep.sweepId} interrupted: ${plural(removed, 'run')} taken off the queue` +
            (pending.size > 0
              ? `; waiting for the ${plural(pending.size, 'run')} running (Ctrl-C again to stop now)`
              : ''),
        );
        if (pending.size === 0) finish();
      })().catch(onError);
    if (options.signal?.aborted) interrupted();
    else options.signal?.addEventListener('abort', interrupted, { once: true });
    // The runs finished so far are the outcome; the ones left running are skipped by their workers.
    const stopped = () => finish(pending.size);
    if (options.stopNow?.aborted) stopped();
    else options.stopNow?.addEventListener('abort', stopped, { once: true });
  });
}

/** A `sweep-worker` process on this machine, on the same Redis and key prefix. */
function startLocalWorker(options: SweepOptions): ChildProcess {
  const child = spawn(
    process.execPath,
    [join(projectRoot, 'bin/triplegain.mjs'), 'sweep-worker', '--lock-duration-ms', String(options.lockDurationMs)],
    {
      env: { ...process.env, REDIS_URL: options.redisUrl, TRIPLEGAIN__REDIS__KEY_PREFIX: options.keys.prefix },
      // Its replays' warnings (a strategy abstaining on every bar) would bury the sweep's own
      // lines: kept, and shown only when the worker dies.
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderrTail = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderrTail = (stderrTail + chunk).slice(-4_000)));
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGKILL')
      options.logger.warn({ pid: child.pid, code, signal, stderr: stderrTail }, 'local sweep worker exited');
  });
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

function describePeriod(spec: SweepSpec): string {
  return spec.to !== undefined ? `${spec.from} → ${spec.to}` : `${plural(spec.days ?? 60, 'day')} from ${spec.from}`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
