import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { riskDecisions } from '../../src/db/schema/risk-decisions.ts';
import { KrakenExchange } from '../../src/kraken/kraken-exchange.ts';
import { approvedClientOrderId } from '../../src/model/approved-order.ts';
import { loadOrder } from '../../src/orders/order-reads.ts';
import { loadOpenPositions } from '../../src/positions/position-store.ts';
import type { JobContext } from '../../src/queues/define-queue.ts';
import { OrderProposal } from '../../src/risk/order-proposal.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { executionHandlers } from '../../src/workers/handlers/execution-handlers.ts';
import { aFilledKrakenMarketBuy, aKrakenClient } from '../kraken/kraken-builders.ts';
import { startKrakenPrivateServer, type KrakenPrivateServer } from '../support/kraken-private-server.ts';
import { createTaskHarness, type TaskHarness } from '../support/task-harness.ts';
import { scaled } from '../support/test-timing.ts';

const ENTRY_TXID = 'OENTRY-FOLLW-UPTEST1';
const PROPOSAL_ID = 'prop-follow-up';

/** Kraken's QueryOrders answer for our market buy, filled in full. */
function filledMarketBuy(clientOrderId: string, nowMs: number) {
  return { error: [], result: { [ENTRY_TXID]: aFilledKrakenMarketBuy(clientOrderId, nowMs) } };
}

describe("an order's follow-up on Kraken", () => {
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

  /** An approved market buy with a stop loss at 39 000, carried out by the execution handler against the Kraken test server. */
  async function submitApprovedEntry() {
    const proposal = OrderProposal.parse({
      proposalId: PROPOSAL_ID,
      signalId: 'sig-1',
      correlationId: 'corr-1',
      symbol: 'BTC/USD',
      side: 'buy',
      intent: 'entry',
      entryPrice: '40000',
      stopLoss: '39000',
      takeProfit: null,
      sizePct: 1,
      leverage: 1,
      confidence: 0.9,
      regime: null,
      createdAtMs: h.clock.now(),
    });
    const decisionId = `appr-${PROPOSAL_ID}`;
    await h.database.db.insert(riskDecisions).values({
      decisionId,
      proposalId: PROPOSAL_ID,
      signalId: proposal.signalId,
      correlationId: proposal.correlationId,
      symbol: 'BTC/USD',
      decision: 'approved',
      proposal,
      notionalUsd: '400',
      quantity: '0.01',
      adjustments: [],
      reasons: [],
      riskState: {},
    });
    const kraken = h.config.execution.kraken;
    const config = {
      ...h.config,
      execution: { ...h.config.execution, kraken: { ...kraken, orderFollowUpMs: [50, 100, 200, 400] } },
    };
    const exchange = new KrakenExchange({
      client: aKrakenClient({ baseUrl: server.url, redis: h.t.redis, keys: h.t.keys }),
      clock: h.clock,
    });
    const handlers = executionHandlers({ ...h.deps, config }, exchange);
    const ctx = {
      logger: silentLogger,
      signal: new AbortController().signal,
      token: undefined,
      job: { attemptsMade: 0, opts: { attempts: 1 } },
    } as unknown as JobContext;
    return handlers.submit({ decisionId, proposalId: PROPOSAL_ID }, ctx);
  }

  it(
    'learns that a market entry filled, opens the position and places its stop, without waiting for the reconciliation',
    async () => {
      const clientOrderId = approvedClientOrderId({ proposalId: PROPOSAL_ID, intent: 'entry' });
      server.override('AddOrder', {
        times: 1,
        body: { error: [], result: { descr: { order: 'buy 0.01000000 XBTUSD @ market' }, txid: [ENTRY_TXID] } },
      });
      server.override('QueryOrders', { body: filledMarketBuy(clientOrderId, Date.now()) });

      const result = await submitApprovedEntry();
      expect(result).toMatchObject({
        status: 'submitted',
        clientOrderId,
        exchangeOrderId: ENTRY_TXID,
        orderStatus: 'filled',
      });
      expect(await loadOrder(h.database.db, clientOrderId)).toMatchObject({ status: 'filled', filledQuantity: '0.01' });
      expect(await loadOpenPositions(h.database.db, 'kraken')).toEqual([
        expect.objectContaining({
          symbol: 'BTC/USD',
          side: 'long',
          quantity: '0.01',
          protection: expect.objectContaining({ stopLoss: '39000' }),
        }),
      ]);
      // The stop went to Kraken right after the fill was learnt.
      const stop = server.requests.filter((r) => r.method === 'AddOrder' && r.params.get('ordertype') === 'stop-loss');
      expect(stop).toHaveLength(1);
      expect(Number(stop[0]!.params.get('price'))).toBe(39_000);
      expect(Number(stop[0]!.params.get('volume'))).toBe(0.01);
      expect(stop[0]!.params.get('type')).toBe('sell');
      // Looked up by the txid AddOrder returned: one QueryOrders (cost 1) a look, not the
      // OpenOrders and ClosedOrders by client id (cost up to 3) that share the API counter.
      const lookups = server.requests.filter(
        (r) =>
          r.method === 'QueryOrders' ||
          (['OpenOrders', 'ClosedOrders'].includes(r.method) && r.params.get('cl_ord_id') !== null),
      );
      expect(lookups.map((r) => [r.method, r.params.get('txid')])).toEqual([['QueryOrders', ENTRY_TXID]]);
    },
    scaled(30_000),
  );

  it(
    'looks up an entry whose AddOrder got no answer by its client id: one that landed and filled gets its position and stop at once',
    async () => {
      const clientOrderId = approvedClientOrderId({ proposalId: PROPOSAL_ID, intent: 'entry' });
      // Kraken took the order; the answer was lost.
      server.override('AddOrder', { times: 1, disconnect: true });
      server.override('OpenOrders', { body: { error: [], result: { open: {} } } });
      server.override('ClosedOrders', {
        body: { error: [], result: { closed: filledMarketBuy(clientOrderId, Date.now()).result, count: 1 } },
      });

      const result = await submitApprovedEntry();
      expect(result).toMatchObject({ status: 'unknown', clientOrderId, orderStatus: 'filled' });
      expect(await loadOrder(h.database.db, clientOrderId)).toMatchObject({
        status: 'filled',
        exchangeOrderId: ENTRY_TXID,
      });
      expect(await loadOpenPositions(h.database.db, 'kraken')).toEqual([
        expect.objectContaining({ symbol: 'BTC/USD', quantity: '0.01' }),
      ]);
      expect(
        server.requests.filter((r) => r.method === 'AddOrder' && r.params.get('ordertype') === 'stop-loss'),
      ).toHaveLength(1);
    },
    scaled(30_000),
  );

  it(
    'a follow-up that fails leaves the order as Kraken accepted it, for the reconciliation',
    async () => {
      const clientOrderId = approvedClientOrderId({ proposalId: PROPOSAL_ID, intent: 'entry' });
      server.override('AddOrder', {
        times: 1,
        body: { error: [], result: { descr: { order: 'buy 0.01000000 XBTUSD @ market' }, txid: [ENTRY_TXID] } },
      });
      server.override('QueryOrders', { body: { error: ['EService:Unavailable'] } });

      const result = await submitApprovedEntry();
      expect(result).toMatchObject({
        status: 'submitted',
        clientOrderId,
        exchangeOrderId: ENTRY_TXID,
        orderStatus: 'open',
      });
      expect(await loadOpenPositions(h.database.db, 'kraken')).toEqual([]);
    },
    scaled(30_000),
  );
});
