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
  run: { attempt: number; worker: string; redis: Redis },
): Promise<SweepResult> {
  const dirOf = (attempt: number) => join(tmpdir(), sweepRunPrefix(data.sweepId, data.index, attempt));
  for (let earlier = 1; earlier < run.attempt; earlier++) {
    await deleteKeysUnder(run.redis, sweepRunPrefix(data.sweepId, data.index, earlier));
    // The earlier attempt's files, when it ran on this machine.
    await rm(dirOf(earlier), { recursive: true, force: true });
  }
  const dir = dirOf(run.attempt);
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
      keyPrefix: sweepRunPrefix(data.sweepId, data.index, run.attempt),
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
