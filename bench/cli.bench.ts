// npm run bench:cli — how long an operator waits for the CLI, from the shell: `node -e 0` (the
// baseline: what starting Node costs on this machine, in the same run), `--help` (target ≤ 300 ms),
// `status` (≤ 600 ms) and `halt` until "HALTED" is printed (≤ 700 ms). Median of 10 runs each,
// against a Redis key prefix and a PostgreSQL database of the bench's own (dropped afterwards).
// `npm run bench:cli` builds first, so `bin/triplegain.mjs` runs the compiled JavaScript, as it
// does after `npm ci`.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { Redis } from 'ioredis';
import pg from 'pg';
import { deleteKeysWithPrefix } from '../test/support/test-redis.ts';
import { projectRoot } from '../test/support/spawn-ts.ts';
import { percentile } from '../src/shared/percentile.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const prefix = `tgbench_${randomBytes(4).toString('hex')}`;
const database = prefix;
const env = {
  ...process.env,
  REDIS_URL: redisUrl,
  TRIPLEGAIN__REDIS__KEY_PREFIX: prefix,
  DATABASE_URL: adminUrl.replace(/\/[^/]*$/, `/${database}`),
  LOG_LEVEL: 'warn',
};

/**
 * Wall time in ms from spawning `node args` to `until` appearing on its stdout (or, without
 * `until`, to its exit). Fails when the process exits non-zero or `until` never appears.
 */
function timeRun(args: string[], until?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let seenAt: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (until !== undefined && seenAt === undefined && out.includes(until))
        seenAt = Number(process.hrtime.bigint() - started) / 1e6;
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const endedAt = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) return reject(new Error(`node ${args.join(' ')} exited ${code}: ${err || out}`));
      if (until !== undefined && seenAt === undefined)
        return reject(new Error(`node ${args.join(' ')} never printed "${until}": ${out}`));
      resolve(seenAt ?? endedAt);
    });
  });
}

async function median(
  label: string,
  target: number | undefined,
  run: () => Promise<number>,
  between?: () => Promise<void>,
): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    times.push(await run());
    await between?.();
  }
  const p50 = percentile(times, 50) ?? Number.NaN;
  const verdict =
    target === undefined ? '' : p50 <= target ? `  (target ≤ ${target} ms: met)` : `  (target ≤ ${target} ms: MISSED)`;
  console.log(
    `${label.padEnd(34)} median ${p50.toFixed(0).padStart(5)} ms  min ${Math.min(...times)
      .toFixed(0)
      .padStart(5)}  max ${Math.max(...times)
      .toFixed(0)
      .padStart(5)}${verdict}`,
  );
}

const cli = (...args: string[]) => ['bin/triplegain.mjs', ...args];

const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE "${database}"`);
const redis = new Redis(redisUrl);
try {
  await timeRun(cli('db', 'migrate'));
  console.log(
    `bench:cli — ${RUNS} runs each, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  );
  await median('node -e 0 (baseline)', undefined, () => timeRun(['-e', '0']));
  await median('triplegain --help', 300, () => timeRun(cli('--help')));
  await median('triplegain status', 600, () => timeRun(cli('status')));
  // After each halt, back to RUNNING (untimed) so every run is a real RUNNING → HALTED.
  await median(
    'triplegain halt (until "HALTED")',
    700,
    () => timeRun(cli('halt', '--reason', 'bench'), 'HALTED'),
    async () => {
      await timeRun(cli('reset', '--reason', 'bench'));
      await timeRun(cli('resume', '--reason', 'bench'));
    },
  );
} finally {
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin.end();
}
