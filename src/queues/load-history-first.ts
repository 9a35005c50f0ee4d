import { Queue, QueueEvents, type ConnectionOptions } from 'bullmq';
import type { Keys } from '../keys.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError } from '../shared/triplegain-error.ts';
import { enqueueScheduledRun } from './enqueue-exclusive-run.ts';
import { marketDataQueue } from './queue-catalog.ts';
import type { ScheduledTask } from './queue-names.ts';

/** The market-data task's name in schedules and run data. */
const TASK: ScheduledTask = 'marketData';

export interface HistoryLoad {
  /** True when no market-data worker was running: nothing was added or waited for. */
  noWorker: boolean;
  /** Pairs whose history run completed. */
  loaded: string[];
  /** Pairs whose run failed or had not ended within the wait, with why. */
  notLoaded: { symbol: string; reason: string }[];
}

/**
 * A first start's history, before the first schedule fires: when the market-data task has no
 * job scheduler yet (nothing ever ran here), one market-data run per pair — the same job a
 * tick adds, exclusive per pair — and a wait (wall time: it guards the exchange and the
 * workers, at most `timeoutMs`) for them to end. The analyses' first runs then find their
 * history stored instead of failing with "needs at least N candles, got 0".
 *
 * Returns `undefined` when the scheduler exists already (a restart: history is stored, and the
 * next tick fetches what is new). With no market-data worker running (a scheduler started on its
 * own, before any worker) it adds nothing and returns at once, `noWorker`: the schedule's first
 * tick loads the history for whichever worker comes. Never throws for a run that fails or outlasts the wait: that
 * pair is reported in `notLoaded` (one line for the caller to log), and its schedule picks the
 * history up later as usual.
 */
export async function loadHistoryFirst(options: {
  connection: ConnectionOptions;
  keys: Keys;
  pairs: readonly string[];
  timeoutMs: number;
  logger: Logger;
}): Promise<HistoryLoad | undefined> {
  const queue = new Queue(marketDataQueue.name, { connection: options.connection, prefix: options.keys.queuePrefix });
  const events = new QueueEvents(marketDataQueue.name, {
    connection: options.connection,
    prefix: options.keys.queuePrefix,
  });
  // A connection error comes back through the calls below; unhandled, the emitter would throw it.
  events.on('error', (err) =>
    options.logger.debug({ err: describeError(err) }, 'history load: queue events connection error'),
  );
  try {
    if ((await queue.getJobSchedulers()).some((s) => s.key === TASK)) return undefined;
    // A Redis that refuses CLIENT LIST (some managed ones) gives no answer: wait as if one ran.
    const workers = await queue.getWorkersCount().catch(() => undefined);
    if (workers === 0) return { noWorker: true, loaded: [], notLoaded: [] };
    await events.waitUntilReady();
    const tickId = `first-start-${Date.now()}`;
    const outcomes = await Promise.all(
      options.pairs.map(async (symbol) => {
        // Deduplicated against a run still going (another scheduler's first start): that one is waited for.
        const { jobId } = await enqueueScheduledRun(queue, marketDataQueue, TASK, symbol, tickId);
        const job = await queue.getJob(jobId);
        try {
          if (job) await job.waitUntilFinished(events, options.timeoutMs);
          return { symbol, reason: undefined };
        } catch (err) {
          return { symbol, reason: describeError(err) };
        }
      }),
    );
    return {
      noWorker: false,
      loaded: outcomes.filter((o) => o.reason === undefined).map((o) => o.symbol),
      notLoaded: outcomes.flatMap((o) => (o.reason === undefined ? [] : [{ symbol: o.symbol, reason: o.reason }])),
    };
  } finally {
    await Promise.allSettled([events.close(), queue.close()]);
  }
}
