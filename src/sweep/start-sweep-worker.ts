import { hostname } from 'node:os';
import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Keys } from '../keys.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';
import { describeValues } from './describe-values.ts';
import { clearEarlierAttempts, runSweepJob } from './run-sweep-job.ts';
import { SWEEP_QUEUE, SweepJobData, sweepLiveKey } from './sweep-job.ts';
import type { SweepResult } from './sweep-result.ts';

export interface SweepWorkerOptions {
  redisUrl: string;
  keys: Keys;
  logger: Logger;
  /** Runs at once in this process; a replay is CPU-bound, so 1 per core. */
  concurrency: number;
  /**
   * Wall time a run's lock lasts without renewal: a worker killed mid-run gives its run back
   * to the queue this long after its last renewal (BullMQ's stalled-job check).
   */
  lockDurationMs: number;
  /** Told one line as each run starts and ends (the `sweep-worker` command prints them). */
  announce?: (line: string) => void;
}

/**
 * A sweep worker: takes sweep runs from the `sweep` queue (`runSweepJob`) until closed. A run
 * whose worker died is taken again by any worker (up to two stalls, then it fails); a run
 * whose config is refused (`CONFIG_INVALID`, a bad strategy file) fails at once, unretried.
 */
export function startSweepWorker(options: SweepWorkerOptions): {
  name: string;
  worker: Worker;
  close(): Promise<void>;
} {
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null, connectionName: 'triplegain-sweep' });
  const commands = new Redis(options.redisUrl, { connectionName: 'triplegain-sweep-keys' });
  const name = `${hostname()}:${process.pid}`;
  const worker = new Worker<SweepJobData, SweepResult>(
    SWEEP_QUEUE,
    async (job) => {
      const data = SweepJobData.parse(job.data);
      // Its sweep command gone (killed, or interrupted twice), nobody waits for the result.
      if ((await commands.exists(sweepLiveKey(options.keys.prefix, data.sweepId))) === 0) {
        await clearEarlierAttempts(data, {
          attempt: job.attemptsStarted,
          redis: commands,
          prefix: options.keys.prefix,
        });
        options.logger.info({ jobId: job.id, sweep: data.sweepId }, 'sweep run skipped: its sweep command is gone');
        options.announce?.(`sweep ${data.sweepId} run ${data.index}: skipped, its sweep command is gone`);
        throw new UnrecoverableError(`skipped: sweep ${data.sweepId} is no longer waiting for its runs`);
      }
      options.logger.info({ jobId: job.id, attempt: job.attemptsStarted }, 'sweep run started');
      const run = `sweep ${data.sweepId} run ${data.index} ${describeValues(data.values)}`;
      options.announce?.(`${run}: started${job.attemptsStarted > 1 ? ` (attempt ${job.attemptsStarted})` : ''}`);
      try {
        const result = await runSweepJob(data, {
          attempt: job.attemptsStarted,
          worker: name,
          redis: commands,
          prefix: options.keys.prefix,
        });
        options.announce?.(`${run}: done in ${(result.elapsedMs / 1000).toFixed(1)} s`);
        return result;
      } catch (err) {
        options.announce?.(`${run}: failed: ${describeError(err)}`);
        options.logger.warn({ jobId: job.id, err: describeError(err) }, 'sweep run failed');
        if (err instanceof TriplegainError && !err.retryable) throw new UnrecoverableError(err.message);
        throw err;
      }
    },
    {
      connection,
      prefix: options.keys.queuePrefix,
      name,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.lockDurationMs,
      maxStalledCount: 2,
    },
  );
  worker.on('error', (err) => options.logger.warn({ err: describeError(err) }, 'sweep worker error'));
  return {
    name,
    worker,
    async close() {
      await worker.close();
      connection.disconnect();
      commands.disconnect();
    },
  };
}
