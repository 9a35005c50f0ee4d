import { Decimal } from 'decimal.js';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { paperOrders } from '../../src/db/schema/paper-orders.ts';
import { riskDecisions } from '../../src/db/schema/risk-decisions.ts';
import type { ExchangePort } from '../../src/exchange/exchange-port.ts';
import { PaperExchange } from '../../src/exchange/paper/paper-exchange.ts';
import { reconcileOrders } from '../../src/execution/reconcile-orders.ts';
import { syncReconcileSchedule } from '../../src/queues/sync-schedules.ts';
import { waitFor } from '../support/wait-for.ts';
import { saveCandles } from '../../src/market/candle-store.ts';
import { clientOrderIdOf } from '../../src/model/client-order-id.ts';
import { applyOrderEvent, createOrder, startSubmission } from '../../src/orders/order-store.ts';
import { loadOrder } from '../../src/orders/order-reads.ts';
import { OrderProposal } from '../../src/risk/order-proposal.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { TriplegainError } from '../../src/shared/triplegain-error.ts';
import { aCandle } from '../support/builders.ts';
import { spawnTs } from '../support/spawn-ts.ts';
import { testDatabaseUrl } from '../support/test-database.ts';
import { createTaskHarness, type TaskHarness } from '../support/task-harness.ts';
import { scaled } from '../support/test-timing.ts';

const CLOCK_MS = Date.UTC(2024, 0, 10, 12);
const PRICE = '40000';

async function setUp(): Promise<{ h: TaskHarness; paper: PaperExchange }> {
  const h = await createTaskHarness({ clockMs: CLOCK_MS });
  const bar = {
    ...aCandle({
      timeframe: '1h',
      openTimeMs: Date.UTC(2024, 0, 10, 10),
      open: PRICE,
      high: PRICE,
      low: PRICE,
      close: PRICE,
    }),
    symbol: 'BTC/USD',
  };
  await saveCandles(h.database.db, [bar], 'replay');
  const paper = new PaperExchange({
    db: h.database.db,
    config: { ...h.config.execution.paper, cashAsset: 'USD' },
    clock: h.clock,
    instruments: h.deps.instruments,
  });
  await paper.onPrice('BTC/USD', bar);
  return { h, paper };
}

/** An approval as the risk worker stores it, for a 0.01 BTC market buy. */
async function anApproval(h: TaskHarness, id: string): Promise<{ decisionId: string; proposalId: string }> {
  const proposal = OrderProposal.parse({
    proposalId: `prop-${id}`,
    signalId: id,
    correlationId: id,
    symbol: 'BTC/USD',
    side: 'buy',
    intent: 'entry',
    entryPrice: PRICE,
    stopLoss: new Decimal(PRICE).times(0.98).toFixed(),
    takeProfit: null,
    sizePct: 4,
    leverage: 1,
    confidence: 0.9,
    regime: null,
    createdAtMs: CLOCK_MS,
  });
  await h.database.db.insert(riskDecisions).values({
    decisionId: `appr-prop-${id}`,
    proposalId: proposal.proposalId,
    signalId: id,
    correlationId: id,
    symbol: 'BTC/USD',
    decision: 'approved',
    proposal,
    notionalUsd: '400',
    quantity: '0.01',
    adjustments: [],
    reasons: [],
    riskState: {},
  });
  return { decisionId: `appr-prop-${id}`, proposalId: proposal.proposalId };
}

/** The paper exchange, with `placeOrder` replaced. */
function withPlaceOrder(paper: PaperExchange, placeOrder: ExchangePort['placeOrder']): ExchangePort {
  return {
    name: paper.name,
    placeOrder,
    cancelOrder: (id) => paper.cancelOrder(id),
    openOrders: () => paper.openOrders(),
    closedOrders: (since) => paper.closedOrders(since),
    findByClientOrderId: (id) => paper.findByClientOrderId(id),
    balances: () => paper.balances(),
  };
}

const reconcile = (h: TaskHarness, exchange: ExchangePort, notFoundAfterMs?: number) =>
  reconcileOrders({ db: h.database.db, exchange, clock: h.clock, logger: silentLogger }, { notFoundAfterMs });

describe('reconciliation with the exchange', () => {
  let h: TaskHarness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it(
    'finds the order of a worker killed between the exchange call and recording it: one order there, one here',
    async () => {
      const setup = await setUp();
      h = setup.h;
      const { decisionId, proposalId } = await anApproval(h, 'crash');
      const child = spawnTs('test/fixtures/execution-crash-process.ts', {
        REDIS_URL: h.t.url,
        KEY_PREFIX: h.t.prefix,
        DATABASE_URL: testDatabaseUrl,
        DB_SCHEMA: h.database.schemaName,
        CLOCK_MS: String(CLOCK_MS),
      });
      await child.waitForOutput('ready', scaled(30_000));
      await h.queue('execution').add('submit', { decisionId, proposalId }, { jobId: 'exec-crash' });
      await child.exited;

      const clientOrderId = clientOrderIdOf(proposalId, 'entry');
      expect((await loadOrder(h.database.db, clientOrderId))?.status).toBe('submitting');
      expect(await h.database.db.select().from(paperOrders)).toHaveLength(1);

      const report = await reconcile(h, setup.paper);
      expect(report.synced).toEqual([clientOrderId]);
      expect(await loadOrder(h.database.db, clientOrderId)).toMatchObject({ status: 'open' });

      // The job delivered again (another worker, after the dead one's lock expired): nothing is sent twice.
      await h.startWorkers(['execution'], { exchange: setup.paper });
      await h.queue('execution').add('submit', { decisionId, proposalId }, { jobId: 'exec-crash-again' });
      const again = await h.settled('execution', 'exec-crash-again');
      expect(again.returnvalue).toMatchObject({ status: 'already', clientOrderId });
      expect(await h.database.db.select().from(paperOrders)).toHaveLength(1);
    },
    scaled(60_000),
  );

  it(
    'leaves an AddOrder that timed out unknown, finds it by client id, and never resubmits it',
    async () => {
      const setup = await setUp();
      h = setup.h;
      const { paper } = setup;
      // The exchange takes the order but the answer never arrives.
      const lostAnswer = withPlaceOrder(paper, async (request, signal) => {
        await paper.placeOrder(request, signal);
        throw new TriplegainError('TIMEOUT', 'kraken AddOrder: no answer within 10000 ms');
      });
      await h.startWorkers(['execution'], { exchange: lostAnswer });
      const { decisionId, proposalId } = await anApproval(h, 'timeout');
      await h.queue('execution').add('submit', { decisionId, proposalId }, { jobId: 'exec-timeout' });
      const done = await h.settled('execution', 'exec-timeout');
      const clientOrderId = clientOrderIdOf(proposalId, 'entry');
      expect(done.returnvalue).toMatchObject({ status: 'unknown', orderStatus: 'unknown' });

      expect((await reconcile(h, paper)).synced).toEqual([clientOrderId]);
      expect(await loadOrder(h.database.db, clientOrderId)).toMatchObject({ status: 'open' });
      expect(
        await h.database.db.select().from(paperOrders).where(eq(paperOrders.clientOrderId, clientOrderId)),
      ).toHaveLength(1);
    },
    scaled(60_000),
  );

  it('stops at its signal (a job released at shutdown): no lookup and no change after it', async () => {
    const setup = await setUp();
    h = setup.h;
    const { paper } = setup;
    const lookups: string[] = [];
    const controller = new AbortController();
    const exchange: ExchangePort = {
      ...withPlaceOrder(paper, (r, signal) => paper.placeOrder(r, signal)),
      openOrders: async () => {
        // The worker is told to stop while the first look at the exchange is under way.
        controller.abort(new Error('released at shutdown'));
        return paper.openOrders();
      },
      findByClientOrderId: (id) => {
        lookups.push(id);
        return paper.findByClientOrderId(id);
      },
    };
    const { proposalId } = await anApproval(h, 'released');
    const clientOrderId = clientOrderIdOf(proposalId, 'entry');
    await createOrder(h.database.db, {
      clientOrderId,
      decisionId: null,
      proposalId,
      cause: 'operator',
      correlationId: 'c',
      exchange: 'paper',
      symbol: 'BTC/USD',
      side: 'buy',
      type: 'market',
      intent: 'entry',
      purpose: 'entry',
      quantity: '0.01',
      createdAtMs: CLOCK_MS,
    });
    await startSubmission(h.database.db, clientOrderId, CLOCK_MS);

    await expect(
      reconcileOrders(
        { db: h.database.db, exchange, clock: h.clock, logger: silentLogger },
        { notFoundAfterMs: 0, signal: controller.signal },
      ),
    ).rejects.toThrow('released at shutdown');
    expect(lookups).toEqual([]);
    expect(await loadOrder(h.database.db, clientOrderId)).toMatchObject({ status: 'submitting' });
  });

  it(
    'records an open order found on the exchange that it has no row for',
    async () => {
      const setup = await setUp();
      h = setup.h;
      await setup.paper.placeOrder({
        clientOrderId: 'placed-by-hand',
        symbol: 'BTC/USD',
        side: 'buy',
        type: 'limit',
        quantity: '0.001',
        limitPrice: '30000',
      });
      const report = await reconcile(h, setup.paper);
      expect(report.adopted).toEqual(['placed-by-hand']);
      expect(await loadOrder(h.database.db, 'placed-by-hand')).toMatchObject({
        purpose: 'adopted',
        status: 'open',
        symbol: 'BTC/USD',
      });
      // Once recorded, a second pass adopts nothing more.
      expect((await reconcile(h, setup.paper)).adopted).toEqual([]);
    },
    scaled(60_000),
  );

  it(
    'runs periodically from its job scheduler, which syncing twice leaves single',
    async () => {
      const setup = await setUp();
      h = setup.h;
      await h.startWorkers(['reconcile'], { exchange: setup.paper });
      const connection = h.deps.connection;
      expect(await syncReconcileSchedule({ connection, keys: h.t.keys, everyMs: 1_000 })).toBe('created');
      expect(await syncReconcileSchedule({ connection, keys: h.t.keys, everyMs: 1_000 })).toBe('unchanged');
      expect(await h.queue('reconcile').getJobSchedulers()).toHaveLength(1);
      await setup.paper.placeOrder({
        clientOrderId: 'placed-while-running',
        symbol: 'BTC/USD',
        side: 'buy',
        type: 'limit',
        quantity: '0.001',
        limitPrice: '30000',
      });
      await waitFor(
        async () => (await loadOrder(h!.database.db, 'placed-while-running'))?.purpose === 'adopted',
        'the periodic pass to adopt it',
        scaled(10_000),
      );
    },
    scaled(30_000),
  );

  it(
    'takes an in-flight order the exchange never got back to created after a wall-time wait, without resending it',
    async () => {
      const setup = await setUp();
      h = setup.h;
      const clientOrderId = 'never-arrived';
      await createOrder(h.database.db, {
        clientOrderId,
        decisionId: null,
        proposalId: null,
        cause: 'operator',
        correlationId: 'c',
        symbol: 'BTC/USD',
        side: 'buy',
        type: 'market',
        intent: 'entry',
        purpose: 'entry',
        quantity: '0.01',
        exchange: 'paper',
        createdAtMs: CLOCK_MS,
      });
      await startSubmission(h.database.db, clientOrderId, CLOCK_MS);
      await applyOrderEvent(h.database.db, clientOrderId, {
        kind: 'outcome_unknown',
        reason: 'connection reset',
        occurredAtMs: CLOCK_MS,
      });

      const sentAtMs = Date.now();
      expect((await reconcile(h, setup.paper, 1_500)).notFound).toEqual([]);
      // The window is wall time: an hour of market time passing (a replay at speed 3600 does
      // that in a second) does not make an order still being sent "not found".
      h.clock.advance(3_600_000);
      expect((await reconcile(h, setup.paper, 1_500)).notFound).toEqual([]);
      const report = await waitFor(async () => {
        const r = await reconcile(h!, setup.paper, 1_500);
        return r.notFound.length > 0 ? r : undefined;
      }, 'the wall-time window to pass');
      expect(Date.now() - sentAtMs).toBeGreaterThanOrEqual(1_500);
      expect(report.notFound).toEqual([clientOrderId]);
      expect(await loadOrder(h.database.db, clientOrderId)).toMatchObject({ status: 'created' });
      expect(await h.database.db.select().from(paperOrders)).toHaveLength(0);
    },
    scaled(60_000),
  );
});
