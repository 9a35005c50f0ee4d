import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KrakenExchange } from '../../src/kraken/kraken-exchange.ts';
import { reconcileOrders } from '../../src/execution/reconcile-orders.ts';
import { applyOrderEvent, createOrder, startSubmission } from '../../src/orders/order-store.ts';
import { loadOrder } from '../../src/orders/order-reads.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { aFilledKrakenMarketBuy, aKrakenClient } from '../kraken/kraken-builders.ts';
import { startKrakenPrivateServer, type KrakenPrivateServer } from '../support/kraken-private-server.ts';
import { createTaskHarness, type TaskHarness } from '../support/task-harness.ts';
import { scaled } from '../support/test-timing.ts';

const IDS = [
  '7b0c2f4e-1a2b-4c3d-8e9f-0a1b2c3d4e51',
  '7b0c2f4e-1a2b-4c3d-8e9f-0a1b2c3d4e52',
  '7b0c2f4e-1a2b-4c3d-8e9f-0a1b2c3d4e53',
];

describe('reconciliation on Kraken', () => {
  let h: TaskHarness;
  let server: KrakenPrivateServer;
  beforeEach(async () => {
    h = await createTaskHarness({ clockMs: Date.now() });
    server = await startKrakenPrivateServer();
  });
  afterEach(async () => {
    await server.close();
    await h.cleanup();
  });

  /** Three orders in flight on Kraken; `accepted`: each has its txid (`OTX<i>AA-BBBBB-CCCCCC`), else its AddOrder got no answer. */
  async function threeOrders(accepted: boolean): Promise<void> {
    for (const [i, id] of IDS.entries()) {
      await createOrder(h.database.db, {
        clientOrderId: id,
        decisionId: null,
        proposalId: null,
        cause: 'operator',
        correlationId: 'c',
        exchange: 'kraken',
        symbol: 'BTC/USD',
        side: 'buy',
        type: 'market',
        intent: 'entry',
        purpose: 'entry',
        quantity: '0.01',
        createdAtMs: h.clock.now(),
      });
      await startSubmission(h.database.db, id, h.clock.now());
      if (accepted)
        await applyOrderEvent(h.database.db, id, {
          kind: 'accepted',
          exchangeOrderId: `OTX${i}AA-BBBBB-CCCCCC`,
          occurredAtMs: h.clock.now(),
        });
      else
        await applyOrderEvent(h.database.db, id, {
          kind: 'outcome_unknown',
          reason: 'no answer',
          occurredAtMs: h.clock.now(),
        });
    }
    server.override('OpenOrders', { body: { error: [], result: { open: {} } } });
  }
  const reconcile = () => {
    const exchange = new KrakenExchange({
      client: aKrakenClient({ baseUrl: server.url, redis: h.t.redis, keys: h.t.keys }),
      clock: h.clock,
    });
    return reconcileOrders({ db: h.database.db, exchange, clock: h.clock, logger: silentLogger });
  };
  const lookups = () =>
    server.requests
      .filter((r) => ['OpenOrders', 'ClosedOrders', 'QueryOrders'].includes(r.method))
      .map((r) => [r.method, r.params.get('txid') ?? r.params.get('cl_ord_id')]);

  it(
    'learns every order with a txid that closed from one QueryOrders (1 unit of the API counter), not a listing or one lookup per order',
    async () => {
      await threeOrders(true);
      // Two of the three closed; Kraken lists what it knows of the txids asked.
      const closed = {
        'OTX0AA-BBBBB-CCCCCC': aFilledKrakenMarketBuy(IDS[0]!, Date.now()),
        'OTX1AA-BBBBB-CCCCCC': aFilledKrakenMarketBuy(IDS[1]!, Date.now()),
      };
      server.override('QueryOrders', { body: { error: [], result: closed } });

      const report = await reconcile();
      expect(report.synced.sort()).toEqual([IDS[0], IDS[1]]);
      expect((await loadOrder(h.database.db, IDS[0]!))?.status).toBe('filled');
      expect((await loadOrder(h.database.db, IDS[1]!))?.status).toBe('filled');
      // The third is neither open nor known by its txid: it is listed among the closed orders by client id.
      expect((await loadOrder(h.database.db, IDS[2]!))?.status).toBe('open');
      expect(lookups()).toEqual([
        ['OpenOrders', null],
        ['QueryOrders', 'OTX0AA-BBBBB-CCCCCC,OTX1AA-BBBBB-CCCCCC,OTX2AA-BBBBB-CCCCCC'],
        ['ClosedOrders', null],
      ]);
    },
    scaled(30_000),
  );

  it(
    'learns orders without a txid (their AddOrder got no answer) that closed from one ClosedOrders listing',
    async () => {
      await threeOrders(false);
      const nowMs = Date.now();
      const closed = {
        'OTX0AA-BBBBB-CCCCCC': aFilledKrakenMarketBuy(IDS[0]!, nowMs),
        'OTX1AA-BBBBB-CCCCCC': aFilledKrakenMarketBuy(IDS[1]!, nowMs),
      };
      server.override('ClosedOrders', { body: { error: [], result: { closed, count: 2 } } });

      const report = await reconcile();
      expect(report.synced.sort()).toEqual([IDS[0], IDS[1]]);
      expect((await loadOrder(h.database.db, IDS[0]!))?.status).toBe('filled');
      expect(lookups()).toEqual([
        ['OpenOrders', null],
        ['ClosedOrders', null],
      ]);
    },
    scaled(30_000),
  );
});
