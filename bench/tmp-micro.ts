import { randomUUID } from 'node:crypto';
import { decodeFields, encodeFields, validateMessage } from '../src/bus/envelope.ts';
const payload = { timeframe: '1h', candleOpenTimeMs: 1_656_630_000_000, bias: 'long' as const, confidence: 0.72, indicators: { rsi: 61.2, macd: '12.5' } };
const now = Date.now();
const mk = () => { const id = randomUUID(); return { id, type: 'ta.signal_emitted', source: 'bench', symbol: 'BTC/USD', priority: 'normal', correlationId: id, causationId: '', tsMs: now, expiresAtMs: now + 300000, payload }; };
const N = 200000;
function time(name: string, fn: () => void) { for (let r = 0; r < 3; r++) { const t = performance.now(); for (let i = 0; i < N; i++) fn(); const us = (performance.now() - t) * 1000 / N; if (r === 2) console.log(name, us.toFixed(2), 'µs'); } }
const cand = mk();
time('uuid+candidate', () => { mk(); });
time('validate', () => { validateMessage(mk()); });
const msg = validateMessage(cand);
time('encode', () => { encodeFields(msg); });
const f = encodeFields(msg);
time('decode', () => { decodeFields(f); });
