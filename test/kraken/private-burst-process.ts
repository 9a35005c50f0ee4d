// One replica of the burst test: makes CALLS private calls (Balance, OpenOrders, ClosedOrders
// in turn) through the shared account lock and limiter against the local Kraken stand-in.
// Prints "ready" once the market list is loaded, starts when `<prefix>:test:go` exists, and
// prints one line "RESULT <json>" with a record per request before exiting.
import { Redis } from 'ioredis';
import { KrakenExchange } from '../../src/kraken/kraken-exchange.ts';
import { KrakenPrivateClient } from '../../src/kraken/kraken-private-client.ts';
import { createKeys } from '../../src/keys.ts';
import { describeError } from '../../src/shared/triplegain-error.ts';
import { countingLimiter, krakenConfig, ROOMY } from './kraken-builders.ts';

export interface BurstRecord {
  method: string;
  nonce: number;
  /** Wall time when the request was admitted (just before it was signed). */
  admittedAtMs: number;
  /** The modelled API counter right after admission, read from Redis by the script. */
  counterAtAdmission: number;
  /** The modelled API counter read from Redis once the call had returned. */
  counterAfter: number;
}

const redis = new Redis(process.env.REDIS_URL!);
const keys = createKeys(process.env.KEY_PREFIX!);
const calls = Number(process.env.CALLS);
const pending: Omit<BurstRecord, 'counterAfter'>[] = [];
const client = new KrakenPrivateClient({
  config: krakenConfig(process.env.SERVER_URL!, { timeoutMs: 5_000 }),
  redis,
  keys,
  publicLimiter: countingLimiter(),
  apiLimit: { maxCounter: Number(process.env.MAX_COUNTER), decayPerSec: Number(process.env.DECAY_PER_SEC) },
  tradingLimit: ROOMY,
  maxWaitMs: 60_000,
  onRequest: (r) =>
    pending.push({ method: r.method, nonce: r.nonce, admittedAtMs: Date.now(), counterAtAdmission: r.counter ?? 0 }),
});
const exchange = new KrakenExchange({ client });
await client.loadMarkets();
process.stdout.write('ready\n');
while ((await redis.exists(`${keys.prefix}:test:go`)) === 0) await new Promise((r) => setTimeout(r, 2));

const records: BurstRecord[] = [];
const errors: string[] = [];
for (let i = 0; i < calls; i++) {
  try {
    if (i % 3 === 0) await exchange.balances();
    else if (i % 3 === 1) await exchange.openOrders();
    else await exchange.closedOrders(0);
  } catch (err) {
    errors.push(describeError(err));
  }
  const counterAfter = await client.apiLimiter.counter();
  for (const record of pending.splice(0)) records.push({ ...record, counterAfter });
}
process.stdout.write(`RESULT ${JSON.stringify({ records, errors })}\n`);
redis.disconnect();
process.exit(0);
