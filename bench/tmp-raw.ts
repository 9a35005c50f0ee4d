import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
const url = 'redis://127.0.0.1:6379';
const N = Number(process.env.N ?? 40000);
const payload = { timeframe: '1h', candleOpenTimeMs: 1_656_630_000_000, bias: 'long' as const, confidence: 0.72, indicators: { rsi: 61.2, macd: '12.5' } };
async function once() {
  const stream = `tgbench-${randomUUID().slice(0, 8)}:raw`;
  const pub = new Redis(url, { enableAutoPipelining: true }); const sub = new Redis(url);
  await pub.xgroup('CREATE', stream, 'g', '$', 'MKSTREAM');
  let handled = 0; let done!: () => void; const all = new Promise<void>((r) => (done = r)); let running = true;
  const encode = () => { const now = Date.now(); return ['id', randomUUID(), 'type', 'ta.signal_emitted', 'source', 'bench', 'symbol', 'BTC/USD', 'priority', 'normal', 'correlation_id', 'c', 'causation_id', '', 'ts_ms', String(now), 'expires_at_ms', String(now + 300_000), 'payload', JSON.stringify(payload)]; };
  const loop = (async () => { while (running) { const reply = (await sub.xreadgroup('GROUP', 'g', 'c', 'COUNT', 32, 'BLOCK', 100, 'STREAMS', stream, '>').catch(() => null)) as any; if (!reply) continue; const ids: string[] = []; for (const [id, f] of reply[0][1]) { JSON.parse(f[f.length - 1]); ids.push(id); if (++handled === N) done(); } await sub.xack(stream, 'g', ...ids); } })();
  const t0 = performance.now(); const c0 = process.cpuUsage();
  let next = 0;
  await Promise.all(Array.from({ length: 64 }, async () => { while (next < N) { next++; await pub.xadd(stream, '*', ...encode()); } }));
  await all;
  const c = process.cpuUsage(c0); const s = (performance.now() - t0) / 1000;
  console.log(`${(N / s).toFixed(0)} msg/s, cpu ${((c.user + c.system) / N).toFixed(1)} µs/msg`);
  running = false; await loop; await pub.del(stream); pub.disconnect(); sub.disconnect();
}
for (let i = 0; i < Number(process.env.R ?? 3); i++) await once();
