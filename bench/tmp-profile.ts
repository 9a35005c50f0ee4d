import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Bus } from '../src/bus/bus.ts';
import { BusConfig } from '../src/config/sections/bus-config.ts';
import { createKeys } from '../src/keys.ts';
import { deleteKeysWithPrefix } from '../test/support/test-redis.ts';
const url = 'redis://127.0.0.1:6379';
const N = Number(process.env.N ?? 40000);
const payload = { timeframe: '1h', candleOpenTimeMs: 1_656_630_000_000, bias: 'long' as const, confidence: 0.72, indicators: { rsi: 61.2, macd: '12.5' } };
async function once() {
  const prefix = `tgbench-${randomUUID().slice(0, 8)}`;
  const redis = new Redis(url, { enableAutoPipelining: true });
  const bus = new Bus({ redis, keys: createKeys(prefix), service: 'bench', config: BusConfig.parse({ batchSize: 32, blockMs: 100 }) });
  let handled = 0; let done!: () => void; const all = new Promise<void>((r) => (done = r));
  await bus.subscribe({ topic: 'ta_signals', service: 'bench-consumer', handler: () => { if (++handled === N) done(); } });
  const t0 = performance.now(); const c0 = process.cpuUsage();
  let next = 0;
  await Promise.all(Array.from({ length: 64 }, async () => { while (next < N) { next++; await bus.publish('ta.signal_emitted', payload, { symbol: 'BTC/USD' }); } }));
  await all;
  const c = process.cpuUsage(c0); const s = (performance.now() - t0) / 1000;
  console.log(`${(N / s).toFixed(0)} msg/s, cpu ${((c.user + c.system) / N).toFixed(1)} µs/msg`);
  await bus.close(); redis.disconnect();
  const cleaner = new Redis(url); await deleteKeysWithPrefix(cleaner, prefix); cleaner.disconnect();
}
for (let i = 0; i < Number(process.env.R ?? 3); i++) await once();
