import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { runDemo } from '../demo/run-demo.ts';
import { deleteKeysUnder } from '../redis/delete-keys-under.ts';
import { sweepRunPrefix, type SweepJobData } from './sweep-job.ts';
import { sweepResultOf, type SweepResult } from './sweep-result.ts';

/**
 * One run of a sweep: the whole replay of its grid point (`runDemo`) in a Redis key prefix
 * of its own attempt and a fresh in-memory database, measured. An earlier attempt's keys (a
 * worker killed mid-run) are deleted first, and its files in the temporary directory. The replay is deterministic, so a retried run
 * measures what the first would have.
 */
export async function runSweepJob(
  data: SweepJobData,
  run: { attempt: number; worker: string; redis: Redis; prefix: string },
): Promise<SweepResult> {
  await clearEarlierAttempts(data, run);
  const prefix = sweepRunPrefix(run.prefix, data.sweepId, data.index, run.attempt);
  const dir = runDirOf(prefix);
  await mkdir(dir, { recursive: true });
  try {
    const configFile = join(dir, 'run.yaml');
    await writeFile(configFile, data.configYaml);
    const startedMs = performance.now();
    const report = await runDemo({
      configFile,
      from: data.from,
      ...(data.days === undefined ? {} : { days: data.days }),
      ...(data.to === undefined ? {} : { to: data.to }),
      reportDir: dir,
      keyPrefix: prefix,
      progress: false,
    });
    return sweepResultOf(report, {
      index: data.index,
      values: data.values,
      worker: run.worker,
      elapsedMs: Math.round(performance.now() - startedMs),
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Deletes what earlier attempts of a run left (a worker killed mid-run): their Redis keys, and
 * their files when they ran on this machine.
 */
export async function clearEarlierAttempts(
  data: Pick<SweepJobData, 'sweepId' | 'index'>,
  run: { attempt: number; redis: Redis; prefix: string },
): Promise<void> {
  for (let earlier = 1; earlier < run.attempt; earlier++) {
    const prefix = sweepRunPrefix(run.prefix, data.sweepId, data.index, earlier);
    await deleteKeysUnder(run.redis, prefix);
    await rm(runDirOf(prefix), { recursive: true, force: true });
  }
}

const runDirOf = (prefix: string) => join(tmpdir(), `triplegain-${prefix}`);
