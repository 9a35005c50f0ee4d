import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { enterSubmission, submissionsInFlight } from '../../src/control/submission-fence.ts';
import { riskJobIdOf } from '../../src/queues/risk-jobs.ts';
import { riskDecisions } from '../../src/db/schema/risk-decisions.ts';
import { positions } from '../../src/db/schema/positions.ts';
import { riskState } from '../../src/db/schema/risk-state.ts';
import { saveCandles } from '../../src/market/candle-store.ts';
import { EvaluateRiskResult, executionQueue } from '../../src/queues/queue-catalog.ts';
import { OrderProposal } from '../../src/risk/order-proposal.ts';
import type { PortfolioReader } from '../../src/risk/portfolio-reader.ts';
import type { OpenPosition } from '../../src/risk/risk-context.ts';
import { RiskState } from '../../src/risk/risk-state.ts';
import type { TaskWorkers } from '../../src/workers/start-task-workers.ts';
import { aCandle } from '../support/builders.ts';
import { aPositionRow } from '../support/builders.ts';
import { createTaskHarness, type TaskHarness } from '../support/task-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { scaled } from '../support/test-timing.ts';

const PRICE = '40000';
/** A Wednesday noon: the day and week periods start before it and end long after the test. */
const CLOCK_MS = Date.UTC(2024, 0, 10, 12);

/** The account the risk worker reads; the test moves its equity and positions between jobs. */
function mutableAccount(equityUsd: string, positions: OpenPosition[] = []) {
  const account = { equityUsd, positions };
  // All of it cash: no buy here is cut to the free cash.
  const reader: PortfolioReader = {
    equityUsd: async () => account.equityUsd,
    openPositions: async () => account.positions,
    freeCashUsd: async () => account.equityUsd,
  };
  return { account, reader };
}

/** A long BTC/USD entry at 40 000 with a 2 % stop that every rule allows: 5 % of equity at 1x. */
function anEntry(id: string): OrderProposal {
  return OrderProposal.parse({
    proposalId: `prop-${id}`,
    signalId: id,
    correlationId: `corr-${id}`,
    symbol: 'BTC/USD',
    side: 'buy',
    intent: 'entry',
    entryPrice: PRICE,
    stopLoss: '39200',
    takeProfit: '41600',
    sizePct: 5,
    leverage: 1,
    confidence: 0.9,
    regime: null,
    createdAtMs: CLOCK_MS,
  });
}

/** A sell that reduces a long BTC/USD position: no stop, 5 % of equity. */
function anExit(id: string): OrderProposal {
  return OrderProposal.parse({ ...anEntry(id), side: 'sell', intent: 'exit', stopLoss: null, takeProfit: null });
}

interface BusEntry {
  type: string;
  payload: Record<string, unknown>;
}

describe('the risk worker’s circuit breakers', () => {
  let h: TaskHarness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  /** A harness with a BTC/USD price of 40 000 stored and a risk worker reading `reader`. */
  async function riskWorker(
    reader: PortfolioReader,
    config: Record<string, unknown> = {},
  ): Promise<{ harness: TaskHarness; workers: TaskWorkers }> {
    // The breakers are probed with entry after entry into BTC/USD: adds allowed.
    const risk = { maxAddsPerPosition: 20, ...(config.risk as Record<string, unknown> | undefined) };
    h = await createTaskHarness({ clockMs: CLOCK_MS, portfolio: reader, config: { ...config, risk } });
    await saveCandles(
      h.database.db,
      [
        {
          ...aCandle({
            timeframe: '1h',
            openTimeMs: Date.UTC(2024, 0, 10, 10),
            open: PRICE,
            high: PRICE,
            low: PRICE,
            close: PRICE,
          }),
          symbol: 'BTC/USD',
        },
      ],
      'replay',
    );
    return { harness: h, workers: await h.startWorkers(['risk']) };
  }

  /** Adds the risk job as the coordinator does and waits for its decision. */
  async function decide(harness: TaskHarness, proposal: OrderProposal): Promise<{ decision: string; rules: string[] }> {
    const jobId = riskJobIdOf(proposal.proposalId);
    await harness.queue('risk').add('evaluate', { proposal }, { jobId });
    const done = await harness.settled('risk', jobId, 10_000);
    expect(done.state, done.failedReason).toBe('completed');
    const result = EvaluateRiskResult.parse(done.returnvalue);
    const [row] = await harness.database.db
      .select()
      .from(riskDecisions)
      .where(eq(riskDecisions.proposalId, proposal.proposalId));
    return { decision: result.decision, rules: ((row?.reasons ?? []) as { rule: string }[]).map((r) => r.rule) };
  }

  async function storedRiskState(harness: TaskHarness) {
    const [row] = await harness.database.db.select().from(riskState).where(eq(riskState.account, 'paper'));
    return { ...row!, state: RiskState.parse(row!.state) };
  }

  async function laneEntries(harness: TaskHarness, stream: string): Promise<BusEntry[]> {
    const entries = await harness.t.redis.xrange(stream, '-', '+');
    return entries.map(([, f]) => ({
      type: f[f.indexOf('type') + 1]!,
      payload: JSON.parse(f[f.indexOf('payload') + 1]!) as Record<string, unknown>,
    }));
  }

  it(
    'trips the drawdown breaker at a 21 % fall from the peak: denies entries, alerts urgently and halts the cluster with flatten',
    async () => {
      const { account, reader } = mutableAccount('10000');
      // Only the drawdown breaker, so that the halt and the denial are its own.
      const { harness } = await riskWorker(reader, {
        risk: { breakers: { dailyLoss: { enabled: false }, weeklyLoss: { enabled: false } } },
      });
      expect(await decide(harness, anEntry('before'))).toEqual({ decision: 'approved', rules: [] });

      account.equityUsd = '7900';
      expect(await decide(harness, anEntry('after'))).toEqual({ decision: 'denied', rules: ['trading_state'] });

      const stored = await storedRiskState(harness);
      expect(stored.state).toMatchObject({
        tradingState: 'HALTED',
        peakEquityUsd: '10000',
        breakers: { drawdown: { tripped: true, lossPct: '21' } },
      });
      const urgent = await laneEntries(harness, harness.t.keys.busUrgentStream('risk_alerts'));
      expect(urgent).toEqual([
        {
          type: 'risk.breaker_tripped',
          payload: { breaker: 'drawdown', action: 'halt_and_close', lossPct: '21', thresholdPct: 20 },
        },
      ]);
      expect(await harness.control.current()).toMatchObject({
        state: 'HALTED',
        requestedBy: 'breaker:drawdown',
        flatten: true,
      });
      expect(await harness.queue('risk').isPaused()).toBe(true);
      // The mirror `triplegain status` shows.
      expect(JSON.parse((await harness.t.redis.get(harness.t.keys.riskStateMirror))!)).toMatchObject({
        account: 'paper',
        tradingState: 'HALTED',
      });
      // The count `/metrics` exports as triplegain_breaker_trips_total.
      await waitFor(
        async () => (await harness.t.redis.hget(harness.t.keys.breakerTrips, 'drawdown')) === '1',
        'the drawdown trip counted',
      );
    },
    scaled(25_000),
  );

  it(
    'halts the cluster on a retried job when the halt after a drawdown trip was lost',
    async () => {
      const { account, reader } = mutableAccount('10000');
      const { harness } = await riskWorker(reader, {
        risk: { breakers: { dailyLoss: { enabled: false }, weeklyLoss: { enabled: false } } },
      });
      expect((await decide(harness, anEntry('before'))).decision).toBe('approved');
      account.equityUsd = '7900';
      expect((await decide(harness, anEntry('trip'))).decision).toBe('denied');
      // As if the process died after storing the decision and before the halt: the cluster runs on.
      await harness.t.redis.del(harness.t.keys.controlState);
      await harness.control.reconcileQueues('RUNNING');

      // The same proposal again (a retried attempt): answered from the stored decision, and the halt is applied.
      const proposal = anEntry('trip');
      await harness.queue('risk').add('evaluate', { proposal }, { jobId: `${riskJobIdOf(proposal.proposalId)}-retry` });
      const done = await harness.settled('risk', `${riskJobIdOf(proposal.proposalId)}-retry`, 10_000);
      expect(EvaluateRiskResult.parse(done.returnvalue)).toMatchObject({ decision: 'denied', inserted: false });
      expect(await harness.control.current()).toMatchObject({ state: 'HALTED', requestedBy: 'breaker:recovered' });
    },
    scaled(25_000),
  );

  it(
    'decides a drawdown trip within the risk job’s timeout while an order submission is still under way',
    async () => {
      const { account, reader } = mutableAccount('10000');
      const { harness } = await riskWorker(reader, {
        risk: { breakers: { dailyLoss: { enabled: false }, weeklyLoss: { enabled: false } } },
      });
      expect((await decide(harness, anEntry('before'))).decision).toBe('approved');
      // An order at the exchange, admitted for as long as the execution job may take (15 s).
      const permit = await enterSubmission(harness.t, {
        submissionId: 'tg-slow-order',
        intent: 'entry',
        ttlMs: executionQueue.timeoutMs(harness.config),
      });
      expect(permit.admitted).toBe(true);

      account.equityUsd = '7900';
      const startedMs = Date.now();
      expect(await decide(harness, anEntry('after'))).toEqual({ decision: 'denied', rules: ['trading_state'] });
      expect(Date.now() - startedMs).toBeLessThan(5_000);
      expect((await harness.control.current()).state).toBe('HALTED');
      // The halt is in force without waiting: the order under way is still being answered.
      expect(await submissionsInFlight(harness.t.redis, harness.t.keys)).toEqual(['tg-slow-order']);
    },
    scaled(25_000),
  );

  it(
    'pauses entries at a 5 % daily loss while an exit of an open position is still approved',
    async () => {
      const { account, reader } = mutableAccount('10000', [
        { symbol: 'BTC/USD', side: 'long', notionalUsd: '1000', leverage: 1 },
      ]);
      const { harness } = await riskWorker(reader);
      // The position the exit is sized by, as the risk worker reads it in its transaction.
      const at = new Date(CLOCK_MS);
      await harness.database.db.insert(positions).values(aPositionRow(at, { quantity: '0.025', avgEntryPrice: PRICE }));
      expect((await decide(harness, anEntry('before'))).decision).toBe('approved');

      // Exactly at the threshold trips.
      account.equityUsd = '9500';
      expect(await decide(harness, anEntry('entry'))).toEqual({ decision: 'denied', rules: ['entries_paused'] });
      expect(await decide(harness, anExit('exit'))).toEqual({ decision: 'approved', rules: [] });

      const stored = await storedRiskState(harness);
      expect(stored.state).toMatchObject({
        tradingState: 'ACTIVE',
        breakers: {
          dailyLoss: { tripped: true, lossPct: '5' },
          weeklyLoss: { tripped: false },
          drawdown: { tripped: false },
        },
      });
      expect(stored.state.entriesPausedUntilMs).toBe(Date.UTC(2024, 0, 11));
      const urgent = await laneEntries(harness, harness.t.keys.busUrgentStream('risk_alerts'));
      expect(urgent).toEqual([
        {
          type: 'risk.breaker_tripped',
          payload: { breaker: 'dailyLoss', action: 'pause_entries', lossPct: '5', thresholdPct: 5 },
        },
      ]);
      // Pausing entries is the risk engine's own: the cluster keeps running.
      expect((await harness.control.current()).state).toBe('RUNNING');
    },
    scaled(25_000),
  );

  it(
    'reads a tripped breaker and the peak back from the database after the risk workers restart',
    async () => {
      const { account, reader } = mutableAccount('10000');
      const { harness, workers } = await riskWorker(reader);
      expect((await decide(harness, anEntry('before'))).decision).toBe('approved');
      account.equityUsd = '9400';
      expect(await decide(harness, anEntry('tripped'))).toEqual({ decision: 'denied', rules: ['entries_paused'] });

      // As after a crash and a new process: the old worker is gone, a new one starts with
      // nothing in memory, on the same Redis prefix and schema.
      await workers.close(1_000);
      await harness.startWorkers(['risk']);

      expect(await decide(harness, anEntry('after-restart'))).toEqual({
        decision: 'denied',
        rules: ['entries_paused'],
      });
      const stored = await storedRiskState(harness);
      expect(stored.state).toMatchObject({
        peakEquityUsd: '10000',
        dayStartEquityUsd: '10000',
        breakers: { dailyLoss: { tripped: true, lossPct: '6' } },
      });
      expect(stored.version).toBe(3);
    },
    scaled(25_000),
  );

  it(
    'clears the breakers on the next risk job after an operator reset, once',
    async () => {
      const { account, reader } = mutableAccount('10000');
      const { harness } = await riskWorker(reader, {
        risk: { breakers: { dailyLoss: { enabled: false }, weeklyLoss: { enabled: false } } },
      });
      expect((await decide(harness, anEntry('before'))).decision).toBe('approved');
      account.equityUsd = '7900';
      expect((await decide(harness, anEntry('trip'))).decision).toBe('denied');
      expect((await harness.control.current()).state).toBe('HALTED');

      // HALTED → PAUSED: the risk queue runs again, and the reset count grows.
      expect(await harness.control.apply('reset', { requestedBy: 'test' })).toMatchObject({ to: 'PAUSED' });
      // PAUSED: the next risk job applies the reset, but an entry waits for `resume`.
      expect(await decide(harness, anEntry('while-paused'))).toEqual({ decision: 'denied', rules: ['cluster_state'] });
      await harness.control.apply('resume', { requestedBy: 'test' });
      expect(await decide(harness, anEntry('after-reset'))).toEqual({ decision: 'approved', rules: [] });
      const stored = await storedRiskState(harness);
      expect(stored.resetsApplied).toBe(1);
      expect(stored.state).toMatchObject({
        tradingState: 'ACTIVE',
        peakEquityUsd: '7900',
        breakers: { drawdown: { tripped: false, lossPct: null } },
      });

      // The reset re-based the peak: a further 21 % fall from 7 900 trips again.
      account.equityUsd = '6241';
      expect(await decide(harness, anEntry('second-trip'))).toEqual({ decision: 'denied', rules: ['trading_state'] });
      expect((await storedRiskState(harness)).state.breakers.drawdown).toMatchObject({ tripped: true, lossPct: '21' });
    },
    scaled(25_000),
  );
});
