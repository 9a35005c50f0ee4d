import { Queue } from 'bullmq';
import { Decimal } from 'decimal.js';
import { Redis } from 'ioredis';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { systemClock } from '../../src/clock/clock.ts';
import { ExecutionConfig } from '../../src/config/sections/execution-config.ts';
import { ControlPlane } from '../../src/control/control-plane.ts';
import { PaperExchange } from '../../src/exchange/paper/paper-exchange.ts';
import { riskJobIdOf } from '../../src/queues/risk-jobs.ts';
import { saveCandles } from '../../src/market/candle-store.ts';
import { OrderProposal } from '../../src/risk/order-proposal.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { aCandle } from '../support/builders.ts';
import { recordedSubmissions } from '../support/recording-exchange.ts';
import { spawnTs, type TsProcess } from '../support/spawn-ts.ts';
import type { TestBus } from '../support/test-bus.ts';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/test-database.ts';
import { quietWindow, scaled } from '../support/test-timing.ts';
import { sleep, waitFor } from '../support/wait-for.ts';
import { InstrumentBook } from '../../src/market/instrument-book.ts';

const PRICE = '40000';

function aProposal(n: number): OrderProposal {
  return OrderProposal.parse({
    proposalId: `prop-ks-${n}`,
    signalId: `ks-${n}`,
    correlationId: `ks-${n}`,
    symbol: 'BTC/USD',
    side: 'buy',
    intent: 'entry',
    entryPrice: PRICE,
    stopLoss: new Decimal(PRICE).times(0.98).toFixed(),
    takeProfit: new Decimal(PRICE).times(1.04).toFixed(),
    // Small orders: with no positions tracked yet, no cap interferes with the stream.
    sizePct: 0.5,
    leverage: 1,
    confidence: 0.9,
    regime: null,
    createdAtMs: Date.now(),
  });
}

describe('the kill switch across three worker processes', () => {
  let t: TestBus;
  let database: TestDatabase;
  let connection: Redis;
  let control: ControlPlane;
  let risk: Queue;
  const procs: TsProcess[] = [];
  it.beforeEach(async ({ bus }) => {
    t = bus;
    database = await createTestDatabase('postgres');
    connection = new Redis(t.url, { maxRetriesPerRequest: null });
    control = new ControlPlane({ redis: t.redis, keys: t.keys, connection, bus: t.bus, logger: silentLogger });
    risk = new Queue('risk', { connection, prefix: t.keys.queuePrefix });
    const bar = {
      ...aCandle({
        timeframe: '1h',
        openTimeMs: Date.UTC(2022, 0, 1),
        open: PRICE,
        high: PRICE,
        low: PRICE,
        close: PRICE,
      }),
      symbol: 'BTC/USD',
    };
    await saveCandles(database.db, [bar], 'replay');
    // The paper exchange learns the price from the bars it is shown.
    await new PaperExchange({
      db: database.db,
      config: { ...ExecutionConfig.parse({}).paper, cashAsset: 'USD' },
      clock: systemClock,
      instruments: InstrumentBook.shipped(),
    }).onPrice('BTC/USD', bar);
  });
  afterEach(async () => {
    for (const p of procs) p.child.kill('SIGKILL');
    procs.length = 0;
    await risk.close();
    connection.disconnect();
    await database.cleanup();
  });

  it(
    'lets no order out after halt returns, and trades again after reset and resume',
    async () => {
      for (const name of ['w1', 'w2', 'w3']) {
        procs.push(
          spawnTs('test/fixtures/order-worker-process.ts', {
            REDIS_URL: t.url,
            KEY_PREFIX: t.prefix,
            WORKER_NAME: name,
            DATABASE_URL: testDatabaseUrl,
            DB_SCHEMA: database.schemaName,
            EXCHANGE_LATENCY_MS: '40',
          }),
        );
      }
      await Promise.all(procs.map((p) => p.waitForOutput('ready', scaled(30_000))));
      const orders = `${t.prefix}:test:orders`;

      // A stream of proposals that risk approves: one every 10 ms, for as long as the test runs.
      let n = 0;
      let streaming = true;
      const stream = (async () => {
        while (streaming) {
          const proposal = aProposal(++n);
          await risk.add('evaluate', { proposal }, { jobId: riskJobIdOf(proposal.proposalId) });
          await sleep(10);
        }
      })();

      await waitFor(
        async () => (await recordedSubmissions(t.redis, orders)).length >= 20,
        'orders flowing',
        scaled(30_000),
      );
      const result = await control.apply('halt', { requestedBy: 'test', reason: 'kill switch test' });
      const haltReturnedMs = Date.now();
      expect(result).toMatchObject({ to: 'HALTED', stillInFlight: [] });
      expect(result.pausedQueues).toEqual(expect.arrayContaining(['risk', 'execution', 'decision']));

      // Quiet window: proposals keep coming for a second, and the claim is that none reaches the exchange.
      await quietWindow(1_000);
      const all = await recordedSubmissions(t.redis, orders);
      expect(all.filter((o) => o.atMs >= haltReturnedMs)).toEqual([]);
      expect(new Set(all.map((o) => o.worker)).size).toBeGreaterThanOrEqual(2);
      // Each order reached the exchange once.
      expect(new Set(all.map((o) => o.clientOrderId)).size).toBe(all.length);

      // resume is refused while HALTED; reset leaves the halt (to PAUSED); resume trades again.
      await expect(control.apply('resume', { requestedBy: 'test' })).rejects.toMatchObject({ code: 'COMMAND_REFUSED' });
      expect((await control.apply('reset', { requestedBy: 'test' })).to).toBe('PAUSED');
      expect((await control.apply('resume', { requestedBy: 'test' })).to).toBe('RUNNING');
      const resumedMs = Date.now();
      await waitFor(
        async () => (await recordedSubmissions(t.redis, orders)).some((o) => o.atMs > resumedMs),
        'orders flowing again',
        scaled(20_000),
      );
      streaming = false;
      await stream;
    },
    scaled(90_000),
  );
});
