// npm run bench:scale — the cluster doing more work with more workers: the same sweep of 8
// configurations (each a whole replay, CPU-bound) run by 1, 2 and 4 `sweep-worker` processes,
// wall time from the first job added to the last result, and the ratio to 1 worker.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { createKeys } from '../src/keys.ts';
import { deleteKeysUnder } from '../src/redis/delete-keys-under.ts';
import { silentLogger } from '../src/shared/logger.ts';
import { runSweep } from '../src/sweep/run-sweep.ts';
import { ensureFreshBuild } from '../test/support/ensure-fresh-build.ts';
import { projectRoot, spawnTs } from '../test/support/spawn-ts.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DAYS = Number(process.env.BENCH_DAYS ?? 1);
const WORKERS = (process.env.BENCH_WORKERS ?? '1,2,4').split(',').map(Number);

console.log(
  `bench:scale  node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, redis ${url.replace(/:[^/@:]+@/, ':***@')}`,
);
ensureFreshBuild();

const dir = await mkdtemp(join(tmpdir(), 'tgbench-scale-'));
const gridFile = join(dir, 'sweep.yaml');
// 8 points: 4 stop distances × 2 position caps.
await writeFile(
  gridFile,
  `from: 2021-11-01\ndays: ${DAYS}\ngrid:\n  llm.rules.stopLossAtr: [1.5, 2, 2.5, 3]\n  risk.maxPositionPct: [5, 10]\n`,
);
const redis = new Redis(url);
const seconds: Record<number, number> = {};
try {
  for (const count of WORKERS) {
    const prefix = `tgbench-scale-${randomBytes(3).toString('hex')}`;
    const env = { REDIS_URL: url, TRIPLEGAIN__REDIS__KEY_PREFIX: prefix };
    const workers = Array.from({ length: count }, () =>
      spawnTs(join(projectRoot, 'bin/triplegain.mjs'), env, ['sweep-worker']),
    );
    try {
      await Promise.all(workers.map((w) => w.waitForOutput('sweep worker ')));
      const startedMs = performance.now();
      const outcome = await runSweep({
        gridFile,
        workers: 0,
        lockDurationMs: 30_000,
        redisUrl: url,
        keys: createKeys(prefix),
        logger: silentLogger,
        print: () => {},
      });
      const wallS = (performance.now() - startedMs) / 1000;
      if (outcome.failed.length > 0) throw new Error(`runs failed: ${JSON.stringify(outcome.failed)}`);
      seconds[count] = wallS;
      const perRun = outcome.results.map((r) => r.elapsedMs / 1000);
      const ratio = seconds[WORKERS[0]!]! / wallS;
      console.log(
        `  ${count} worker${count === 1 ? ' ' : 's'}: ${outcome.results.length} runs of ${DAYS} day${DAYS === 1 ? '' : 's'} in ${wallS.toFixed(1)} s ` +
          `(${((outcome.results.length / wallS) * 60).toFixed(1)} runs/min; a run ${Math.min(...perRun).toFixed(1)}–${Math.max(...perRun).toFixed(1)} s) ` +
          `×${ratio.toFixed(2)} against ${WORKERS[0]} worker${WORKERS[0] === 1 ? '' : 's'}`,
      );
    } finally {
      for (const w of workers) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
      await deleteKeysUnder(redis, prefix);
    }
  }
} finally {
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
}
