// npm run bench:bus — publish→handler throughput and latency through the real bus (zod
// validation, Lua publish with the latest index, consumer group, ack and counters), and in the
// same run a bare ioredis XADD / XREADGROUP / XACK loop as the baseline.
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { Redis } from 'ioredis';
import { Bus } from '../src/bus/bus.ts';
import { BusConfig } from '../src/config/sections/bus-config.ts';
import { createKeys } from '../src/keys.ts';
import { aTaSignal } from '../test/support/builders.ts';
import { deleteKeysWithPrefix } from '../test/support/test-redis.ts';
import { percentile as percentileOf } from '../src/shared/percentile.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const N = Number(process.env.BENCH_MESSAGES ?? 20_000);
const LATENCY_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2_000);
const WINDOW = 64; // publishes in flight
const BATCH = 32; // entries per XREADGROUP, for both
// Both sides use the same client options, as the services do (see src/redis/create-redis.ts).
const redisOptions = { enableAutoPipelining: process.env.BENCH_AUTOPIPELINE !== '0' };

const payload = aTaSignal();

const percentile = (values: number[], p: number) => percentileOf(values, p) ?? Number.NaN;
const fmt = (ms: number) => `${ms.toFixed(3)} ms`;

async function publishAll(count: number, publishOne: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: WINDOW }, async () => {
    while (next < count) await publishOne(next++);
  });
  await Promise.all(lanes);
}

/** Bare baseline: one XADD per message, XREADGROUP COUNT BATCH, one XACK per batch. */
async function rawRun(
  prefix: string,
  count: number,
  onMessage: () => void,
): Promise<{ publish: (i: number) => Promise<unknown>; stop: () => Promise<void> }> {
  const pub = new Redis(url, redisOptions);
  const sub = new Redis(url);
  const stream = `${prefix}:raw`;
  await pub.xgroup('CREATE', stream, 'g', '$', 'MKSTREAM');
  let running = true;
  // Hand-written code still encodes every message: a fresh id, a timestamp, the JSON payload.
  const encode = () => {
    const now = Date.now();
    return [
      'id',
      randomUUID(),
      'type',
      'ta.signal_emitted',
      'source',
      'bench',
      'symbol',
      'BTC/USD',
      'priority',
      'normal',
      'correlation_id',
      'c',
      'causation_id',
      '',
      'ts_ms',
      String(now),
      'expires_at_ms',
      String(now + 300_000),
      'payload',
      JSON.stringify(payload),
    ];
  };
  const loop = (async () => {
    while (running) {
      const reply = (await sub
        .xreadgroup('GROUP', 'g', 'c', 'COUNT', BATCH, 'BLOCK', 100, 'STREAMS', stream, '>')
        .catch(() => null)) as [string, [string, string[]][]][] | null;
      if (!reply) continue;
      const ids: string[] = [];
      for (const [id, f] of reply[0]![1]) {
        // The baseline still looks at the message, as any consumer must.
        JSON.parse(f[f.length - 1]!);
        ids.push(id);
        onMessage();
      }
      await sub.xack(stream, 'g', ...ids);
    }
  })();
  void count;
  return {
    publish: () => pub.xadd(stream, '*', ...encode()),
    stop: async () => {
      running = false;
      await loop;
      pub.disconnect();
      sub.disconnect();
    },
  };
}

async function busRun(
  prefix: string,
  onMessage: () => void,
): Promise<{ publish: (i: number) => Promise<unknown>; stop: () => Promise<void> }> {
  const redis = new Redis(url, redisOptions);
  const bus = new Bus({
    redis,
    keys: createKeys(prefix),
    service: 'bench',
    config: BusConfig.parse({ batchSize: BATCH, blockMs: 100 }),
  });
  await bus.subscribe({ topic: 'ta_signals', service: 'bench-consumer', handler: () => onMessage() });
  return {
    publish: () => bus.publish('ta.signal_emitted', payload, { symbol: 'BTC/USD' }),
    stop: async () => {
      await bus.close();
      redis.disconnect();
    },
  };
}

type Runner = (
  prefix: string,
  onMessage: () => void,
) => Promise<{ publish: (i: number) => Promise<unknown>; stop: () => Promise<void> }>;

async function throughput(run: Runner): Promise<number> {
  const prefix = `tgbench-${randomUUID().slice(0, 8)}`;
  let handled = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  const r = await run(prefix, () => {
    if (++handled === N) done();
  });
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  await publishAll(N, r.publish);
  await all;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  if (process.env.BENCH_CPU)
    console.log(`    node cpu ${((cpu.user + cpu.system) / N).toFixed(1)} µs/msg over ${seconds.toFixed(2)} s`);
  await r.stop();
  const cleaner = new Redis(url);
  await deleteKeysWithPrefix(cleaner, prefix);
  cleaner.disconnect();
  return N / seconds;
}

async function latency(run: Runner): Promise<number[]> {
  const prefix = `tgbench-${randomUUID().slice(0, 8)}`;
  let arrived: (() => void) | undefined;
  const r = await run(prefix, () => arrived?.());
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_ROUNDS + 100; i++) {
    const got = new Promise<void>((res) => (arrived = res));
    const t0 = process.hrtime.bigint();
    await r.publish(i);
    await got;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (i >= 100) samples.push(ms); // the first 100 warm up
  }
  await r.stop();
  const cleaner = new Redis(url);
  await deleteKeysWithPrefix(cleaner, prefix);
  cleaner.disconnect();
  return samples.sort((a, b) => a - b);
}

const raw: Runner = (prefix, on) => rawRun(prefix, N, on);

console.log(
  `bench:bus  node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, redis ${url.replace(/:[^/@:]+@/, ':***@')}`,
);
const TRIALS = Number(process.env.BENCH_TRIALS ?? 5);
console.log(
  `throughput: ${N} messages per trial, ${WINDOW} publishes in flight, batches of ${BATCH}, ${TRIALS} alternating trials (median)`,
);
// Warm both paths once (JIT, script load), then alternate so that machine noise hits both alike.
await throughput(raw);
await throughput(busRun);
const rawRuns: number[] = [];
const busRuns: number[] = [];
for (let i = 0; i < TRIALS; i++) {
  rawRuns.push(await throughput(raw));
  busRuns.push(await throughput(busRun));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
const rawTput = median(rawRuns);
const busTput = median(busRuns);
console.log(`  baseline (bare XADD/XREADGROUP/XACK): ${rawTput.toFixed(0)} msg/s (range ${range(rawRuns)})`);
console.log(
  `  bus (validate, publish script, group, ack, counters): ${busTput.toFixed(0)} msg/s (range ${range(busRuns)})`,
);
console.log(`  ratio bus/baseline: ${((busTput / rawTput) * 100).toFixed(1)} %   (target ≥ 60 %)`);

console.log(`latency: one message at a time, idle, ${LATENCY_ROUNDS} rounds after 100 warm-up`);
const rawLat = await latency(raw);
const busLat = await latency(busRun);
console.log(`  baseline: p50 ${fmt(percentile(rawLat, 50))}  p99 ${fmt(percentile(rawLat, 99))}`);
console.log(
  `  bus:      p50 ${fmt(percentile(busLat, 50))}  p99 ${fmt(percentile(busLat, 99))}   (targets p50 ≤ 1 ms, p99 ≤ 5 ms)`,
);
