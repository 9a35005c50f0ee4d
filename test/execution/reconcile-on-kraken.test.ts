import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KrakenExchange } from '../../src/exchange/kraken/kraken-exchange.ts';
import { reconcileOrders } from '../../src/execution/reconcile-orders.ts';
import { applyOrderEvent, createOrder, loadOrder, startSubmission } from '../../src/orders/order-store.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { aFilledKrakenMarketBuy, aKrakenClient } from '../exchange/kraken/kraken-builders.ts';
import { startKrakenPrivateServer, type KrakenPrivateServer } from '../support/kraken-private-server.ts';
import { createTaskHarness, type TaskHarness } from '../support/task-harness.ts';

const IDS = ['7b0c2f4e-1a2b-4c3d-8e9f-0a1b2c3d4e51', '7b0c2f4e-1a2b-4c3d-8e9f-0a1b2c3d4e52', '7b0c2f4e-1a2b-4c3d-8e9f-0a1b2c3d4e53'];

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

  it('learns every order that closed from one ClosedOrders listing, not one lookup per order', async () => {
    const nowMs = Date.now();
    for (const [i, id] of IDS.entries()) {
      await createOrder(h.database.db, { clientOrderId: id, decisionId: null, proposalId: null, cause: 'operator', correlationId: 'c', exchange: 'kraken', symbol: 'BTC/USD', side: 'buy', type: 'market', intent: 'entry', purpose: 'entry', quantity: '0.01', createdAtMs: h.clock.now() });
      await startSubmission(h.database.db, id, h.clock.now());
      await applyOrderEvent(h.database.db, id, { kind: 'accepted', exchangeOrderId: `OTX${i}AA-BBBBB-CCCCCC`, occurredAtMs: h.clock.now() });
    }
    server.override('OpenOrders', { body: { error: [], result: { open: {} } } });
    // Two of the three closed.
    const closed = { 'OTX0AA-BBBBB-CCCCCC': aFilledKrakenMarketBuy(IDS[0]!, nowMs), 'OTX1AA-BBBBB-CCCCCC': aFilledKrakenMarketBuy(IDS[1]!, nowMs) };
    server.override('ClosedOrders', { body: { error: [], result: { closed, count: 2 } } });

    const exchange = new KrakenExchange({ client: aKrakenClient({ baseUrl: server.url, redis: h.t.redis, keys: h.t.keys }), clock: h.clock });
    const report = await reconcileOrders({ db: h.database.db, exchange, clock: h.clock, logger: silentLogger });

    expect(report.synced.sort()).toEqual([IDS[0], IDS[1]]);
    expect((await loadOrder(h.database.db, IDS[0]!))?.status).toBe('filled');
    expect((await loadOrder(h.database.db, IDS[1]!))?.status).toBe('filled');
    expect((await loadOrder(h.database.db, IDS[2]!))?.status).toBe('open');
    const lookups = server.requests.filter((r) => r.method === 'OpenOrders' || r.method === 'ClosedOrders');
    expect(lookups.map((r) => [r.method, r.params.get('cl_ord_id')])).toEqual([
      ['OpenOrders', null],
      ['ClosedOrders', null],
    ]);
  }, 30_000);
});
