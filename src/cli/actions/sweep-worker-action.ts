import { openRuntime } from '../../runtime/open-runtime.ts';
import { createLogger } from '../../shared/logger.ts';
import { startSweepWorker } from '../../sweep/start-sweep-worker.ts';
import { wholeNumberOption } from '../whole-number-option.ts';

export interface SweepWorkerActionOptions {
  concurrency: string;
  lockDurationMs: string;
  configFile: string | undefined;
}

/** The work of `triplegain sweep-worker`: takes sweep runs until SIGTERM or SIGINT, then finishes the ones it holds. */
export async function sweepWorkerAction(options: SweepWorkerActionOptions): Promise<void> {
  const concurrency = wholeNumberOption('--concurrency', options.concurrency, { min: 1, max: 64 });
  // A replay keeps its event loop busy for seconds at a time on a loaded machine: a shorter
  // lock lapses on a healthy worker, and its run is taken twice.
  const lockDurationMs = wholeNumberOption('--lock-duration-ms', options.lockDurationMs, { min: 10_000, max: 600_000 });
  const logger = createLogger({ level: 'warn', stderr: true });
  const rt = await openRuntime({ configFile: options.configFile, service: 'triplegain-sweep-worker', logger });
  const sweep = startSweepWorker({
    redisUrl: rt.redisUrl,
    keys: rt.keys,
    logger,
    concurrency,
    lockDurationMs,
    announce: (line) => console.log(line),
  });
  await sweep.worker.waitUntilReady();
  console.log(`sweep worker ${sweep.name} taking runs from ${rt.keys.queuePrefix}:sweep`);
  const signal = await new Promise<string>((done) => {
    process.once('SIGTERM', () => done('SIGTERM'));
    process.once('SIGINT', () => done('SIGINT'));
  });
  logger.info({ signal }, 'sweep worker stopping');
  await sweep.close();
  await rt.close();
}
