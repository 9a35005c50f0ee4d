import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { enterSubmission } from '../../src/control/submission-fence.ts';
import { PaperExchange } from '../../src/exchange/paper/paper-exchange.ts';
import { markPositionsReduced, reducePositions, startBreakerActions } from '../../src/execution/breaker-actions.ts';
import { cancelAndSync } from '../../src/execution/exit-orders.ts';
import { carryOutHalt, startHaltActions } from '../../src/execution/halt-actions.ts';
import { orders } from '../../src/db/schema/orders.ts';
import { riskState } from '../../src/db/schema/risk-state.ts';
import { waitFor } from '../support/wait-for.ts';
import { placeOrderOnce } from '../../src/execution/place-order-once.ts';
import { saveCandles } from '../../src/market/candle-store.ts';
import { syncFromExchange } from '../../src/orders/order-store.ts';
import { loadOrder, loadOrderEvents } from '../../src/orders/order-reads.ts';
import { applyPendingFills, loadOpenPositions } from '../../src/positions/position-store.ts';
import { initialRiskState, RiskState } from '../../src/risk/risk-state.ts';
import { withLockedRiskState } from '../../src/risk/risk-state-store.ts';
import type { TradingState } from '../../src/model/trading-state.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { aCandle } from '../support/builders.ts';
import { createTaskHarness, type TaskHarness } from '../support/task-harness.ts';
import { scaled } from '../support/test-timing.ts';

const CLOCK_MS = Date.UTC(2024, 0, 10, 12);
const bar = (openTimeMs: number, price: string) => ({
  ...aCandle({ timeframe: '1h', openTimeMs, open: price, high: price, low: price, close: price, volume: '1000' }),
  symbol: 'BTC/USD',
});

describe('what a halt asks for', () => {
  let h: TaskHarness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  /** A long BTC/USD position of 0.01 with its stop loss resting on the paper exchange. */
  async function withProtectedLong() {
    h = await createTaskHarness({ clockMs: CLOCK_MS });
    const paper = new PaperExchange({
      db: h.database.db,
      config: { ...h.config.execution.paper, cashAsset: 'USD' },
      clock: h.clock,
      instruments: h.deps.instruments,
    });
    const first = bar(Date.UTC(2024, 0, 10, 10), '40000');
    await saveCandles(h.database.db, [first], 'replay');
    await paper.onPrice('BTC/USD', first);
    const deps = {
      db: h.database.db,
      redis: h.t.redis,
      keys: h.t.keys,
      clock: h.clock,
      logger: silentLogger,
      instruments: h.deps.instruments,
    };
    const common = {
      decisionId: null,
      proposalId: null,
      cause: 'operator',
      correlationId: 'c',
      symbol: 'BTC/USD',
      quantity: '0.01',
      leverage: 1,
    } as const;
    await placeOrderOnce(
      deps,
      paper,
      { ...common, clientOrderId: 'entry-1', side: 'buy', type: 'market', intent: 'entry', purpose: 'entry' },
      { fenceIntent: 'entry', ttlMs: 5_000 },
    );
    // Placed at the clock's 12:00, the entry fills on the bar that opens then, not an earlier one.
    await paper.onPrice('BTC/USD', bar(Date.UTC(2024, 0, 10, 12), '40000'));
    await syncFromExchange(h.database.db, 'entry-1', (await paper.findByClientOrderId('entry-1'))!, CLOCK_MS);
    await applyPendingFills(h.database.db, 'paper');
    await placeOrderOnce(
      deps,
      paper,
      {
        ...common,
        clientOrderId: 'stop-1',
        side: 'sell',
        type: 'stop-loss',
        intent: 'protective',
        purpose: 'stop_loss',
        triggerPrice: '39000',
        reduceOnly: true,
      },
      { fenceIntent: 'exit', ttlMs: 5_000 },
    );
    const haltDeps = {
      config: h.config,
      db: h.database.db,
      bus: h.t.bus,
      redis: h.t.redis,
      keys: h.t.keys,
      clock: h.clock,
      logger: silentLogger,
      exchange: paper,
      instruments: h.deps.instruments,
    };
    return { paper, haltDeps };
  }

  it(
    "puts the account's risk state in HALTED with the cluster, row and mirror, until a reset",
    async () => {
      const { haltDeps } = await withProtectedLong();
      await startHaltActions(haltDeps);
      await h!.control.apply('halt', { requestedBy: 'test' });
      await waitFor(async () => (await tradingStateOf(haltDeps)) === 'HALTED', 'the risk state HALTED');
      const mirror = await waitFor(async () => {
        const json = await h!.t.redis.get(h!.t.keys.riskStateMirror);
        const parsed = json === null ? null : (JSON.parse(json) as { tradingState?: string });
        return parsed?.tradingState === 'HALTED' ? parsed : undefined;
      }, 'the mirror HALTED');
      expect(mirror).toMatchObject({ account: 'paper' });
    },
    scaled(30_000),
  );

  it(
    'keeps resting stop losses on a plain halt',
    async () => {
      const { haltDeps } = await withProtectedLong();
      await h!.control.apply('halt', { requestedBy: 'test' });
      expect(
        await carryOutHalt(haltDeps, { version: 1, cancelOrders: false, flatten: false, correlationId: 'halt' }),
      ).toEqual({ canceled: [], closing: [] });
      expect((await loadOrder(h!.database.db, 'stop-1'))?.status).toBe('open');
    },
    scaled(30_000),
  );

  it(
    'on --flatten cancels the stop and closes the position, the only orders HALTED admits',
    async () => {
      const { paper, haltDeps } = await withProtectedLong();
      const halted = await h!.control.apply('halt', { requestedBy: 'test', flatten: true });
      const done = await carryOutHalt(haltDeps, {
        version: halted.version,
        cancelOrders: false,
        flatten: true,
        correlationId: 'halt',
      });
      expect(done.canceled).toEqual(['stop-1']);
      expect(done.closing).toHaveLength(1);
      expect(await loadOrder(h!.database.db, done.closing[0]!)).toMatchObject({
        status: 'open',
        purpose: 'flatten',
        side: 'sell',
        quantity: '0.01',
      });
      // An entry is still refused.
      expect(await enterSubmission(h!.t, { submissionId: 'late-entry', intent: 'entry', ttlMs: 1_000 })).toEqual({
        admitted: false,
        state: 'HALTED',
      });
      // The close-out fills on the next price, and the position is gone.
      await paper.onPrice('BTC/USD', bar(Date.UTC(2024, 0, 10, 13), '40100'));
      await syncFromExchange(
        h!.database.db,
        done.closing[0]!,
        (await paper.findByClientOrderId(done.closing[0]!))!,
        CLOCK_MS,
      );
      await applyPendingFills(h!.database.db, 'paper');
      expect(await loadOpenPositions(h!.database.db, 'paper')).toEqual([]);
      // A halt without --flatten admits no close-out.
      await h!.control.apply('halt', { requestedBy: 'test' });
      expect(await enterSubmission(h!.t, { submissionId: 'late-close', intent: 'flatten', ttlMs: 1_000 })).toEqual({
        admitted: false,
        state: 'HALTED',
      });
    },
    scaled(30_000),
  );

  it(
    'on a weekly-loss trip cuts every position by the breaker share, once, and not while HALTED',
    async () => {
      const { haltDeps } = await withProtectedLong();
      // The risk worker stored REDUCING with the trip.
      await setTradingState(haltDeps, 'REDUCING');
      await startBreakerActions(haltDeps);
      await h!.t.bus.publish(
        'risk.breaker_tripped',
        { breaker: 'weeklyLoss', action: 'reduce_positions', lossPct: '10.2', thresholdPct: 10 },
        { priority: 'urgent', source: 'risk' },
      );
      // The row is written before the order is sent: wait for the exchange's answer to be recorded.
      const cut = await waitFor(
        async () =>
          (await h!.database.db.select().from(orders)).find(
            (o) => o.purpose === 'exit' && o.status !== 'created' && o.status !== 'submitting',
          ),
        'the cut order',
      );
      expect(cut).toMatchObject({ side: 'sell', quantity: '0.005', reduceOnly: true, status: 'open' });
      // The cut placed, the reduction is done: back to ACTIVE, in the row and in the mirror `status` reads.
      // The row commits first and the mirror follows it: wait for both.
      await waitFor(async () => (await tradingStateOf(haltDeps)) === 'ACTIVE', 'the trading state back to ACTIVE');
      const mirror = await waitFor(async () => {
        const json = await h!.t.redis.get(h!.t.keys.riskStateMirror);
        const parsed = json === null ? null : (JSON.parse(json) as { tradingState?: string });
        return parsed?.tradingState === 'ACTIVE' ? parsed : undefined;
      }, 'the mirror back to ACTIVE');
      expect(mirror).toMatchObject({ account: 'paper', tradingState: 'ACTIVE' });
      // Cut orders are derived from the trip: the same trip again places nothing new.
      const again = await reducePositions(haltDeps, { tripId: 'trip-1', reduceByPct: 50, correlationId: 'c' });
      expect(await reducePositions(haltDeps, { tripId: 'trip-1', reduceByPct: 50, correlationId: 'c' })).toEqual(again);
      // While HALTED an exit is refused (a halt's own close-out is the exception).
      await h!.control.apply('halt', { requestedBy: 'test' });
      // The bus's trip and trip-1 each cut half: together the whole position. A third cut finds
      // nothing left to sell (exits in flight count): nothing is placed.
      expect(await reducePositions(haltDeps, { tripId: 'trip-2', reduceByPct: 50, correlationId: 'c' })).toEqual([]);
      const open = (await h!.database.db.select().from(orders)).filter(
        (o) => o.purpose === 'exit' && o.status === 'open',
      );
      expect(open.reduce((sum, o) => sum + Number(o.quantity), 0)).toBe(0.01);
      // While HALTED no cut goes (a halt's own close-out is the exception), and nothing is touched.
      await cancelAndSync(haltDeps, open[0]!, 'the test frees the position');
      await h!.control.apply('halt', { requestedBy: 'test' });
      const before = await h!.database.db.select().from(orders);
      expect(await reducePositions(haltDeps, { tripId: 'trip-3', reduceByPct: 50, correlationId: 'c' })).toEqual([]);
      expect(await h!.database.db.select().from(orders)).toEqual(before);
    },
    scaled(30_000),
  );

  it(
    'leaves a state that is no longer REDUCING as it is when the reduction is done',
    async () => {
      const { haltDeps } = await withProtectedLong();
      for (const state of ['HALTED', 'ACTIVE'] as const) {
        await setTradingState(haltDeps, state);
        expect(await markPositionsReduced(haltDeps)).toBe(state);
        expect(await tradingStateOf(haltDeps)).toBe(state);
      }
    },
    scaled(30_000),
  );

  it(
    'on --cancel-orders cancels every open order, the stop loss included',
    async () => {
      const { haltDeps } = await withProtectedLong();
      const halted = await h!.control.apply('halt', { requestedBy: 'test', cancelOrders: true });
      expect(
        (
          await carryOutHalt(haltDeps, {
            version: halted.version,
            cancelOrders: true,
            flatten: false,
            correlationId: 'halt',
          })
        ).canceled,
      ).toEqual(['stop-1']);
      expect((await loadOrder(h!.database.db, 'stop-1'))?.status).toBe('canceled');
      expect((await loadOrderEvents(h!.database.db, 'stop-1')).at(-1)!.payload).toMatchObject({
        reason: 'canceled by triplegain: the halt cancels working orders',
      });
      expect(await loadOpenPositions(h!.database.db, 'paper')).toHaveLength(1);
    },
    scaled(30_000),
  );
});

type StateDeps = Parameters<typeof markPositionsReduced>[0];

async function setTradingState(deps: StateDeps, tradingState: TradingState): Promise<void> {
  await withLockedRiskState(
    deps.db,
    'paper',
    () => initialRiskState('10000', deps.clock.now()),
    async (current) => ({
      state: { ...current.state, tradingState },
      resetsApplied: current.resetsApplied,
      result: null,
    }),
  );
}

async function tradingStateOf(deps: StateDeps): Promise<TradingState> {
  const [row] = await deps.db.select().from(riskState).where(eq(riskState.account, 'paper'));
  return RiskState.parse(row!.state).tradingState;
}
