import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { Bus } from '../../src/bus/bus.ts';
import type { PayloadInput } from '../../src/bus/message-catalog.ts';
import { ManualClock } from '../../src/clock/clock.ts';
import type { DegradationLevel } from '../../src/model/degradation-level.ts';
import { riskJobIdOf } from '../../src/queues/risk-jobs.ts';
import { coordinatorDecisions, type CoordinatorDecisionRow } from '../../src/db/schema/coordinator-decisions.ts';
import { llmCalls } from '../../src/db/schema/llm-calls.ts';
import { aTaSignal } from '../support/builders.ts';
import { createTaskHarness, type TaskHarness } from '../support/task-harness.ts';
import { quietWindow, scaled } from '../support/test-timing.ts';
import { waitFor } from '../support/wait-for.ts';

/** A BUY that the coordinator proposes when nothing stands in its way: entry 40 000, 2 % stop. */
function aSignal(
  signalId: string,
  overrides: Partial<PayloadInput<'decision.signal_emitted'>> = {},
): PayloadInput<'decision.signal_emitted'> {
  return {
    signalId,
    action: 'BUY',
    confidence: 0.8,
    entryPrice: '40000',
    stopLoss: '39200',
    takeProfit: '41600',
    sizePct: 10,
    leverage: 1,
    votes: [{ model: 'rules', action: 'BUY', confidence: 0.8 }],
    abstentions: [],
    ...overrides,
  };
}

const aClose = (signalId: string) =>
  aSignal(signalId, {
    action: 'CLOSE',
    entryPrice: null,
    stopLoss: null,
    takeProfit: null,
    sizePct: 0,
    votes: [{ model: 'rules', action: 'CLOSE', confidence: 0.8 }],
  });

describe('the coordinator service on the bus', () => {
  let h: TaskHarness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  /** A harness with the coordinator subscribed (no workers: proposals stay in the risk queue). */
  async function coordinator(config?: Record<string, unknown>): Promise<TaskHarness> {
    h = await createTaskHarness({ clockMs: Date.now(), config });
    await h.startCoordinator();
    return h;
  }

  const decisionOf = (harness: TaskHarness, signalId: string): Promise<CoordinatorDecisionRow> =>
    waitFor(
      async () =>
        (
          await harness.database.db
            .select()
            .from(coordinatorDecisions)
            .where(eq(coordinatorDecisions.signalId, signalId))
        )[0],
      `the decision on ${signalId}`,
    );

  const riskJob = (harness: TaskHarness, signalId: string) =>
    harness.queue('risk').getJob(riskJobIdOf(`prop-${signalId}`));

  /** Reports failures until the shared level is `target` (each run of failures raises it one step). */
  async function degradeTo(harness: TaskHarness, target: DegradationLevel): Promise<void> {
    for (let i = 0; i < 20 && (await harness.degradation.level()) !== target; i++)
      await harness.degradation.recordFailure('task:test');
    expect(await harness.degradation.level()).toBe(target);
  }

  it(
    'applies a coordinator.command from the bus through the control plane, naming the requester',
    async () => {
      const harness = await coordinator();
      await harness.t.bus.publish('coordinator.command', {
        command: 'pause',
        requestedBy: 'ops',
        reason: 'maintenance',
      });
      const state = await waitFor(async () => {
        const current = await harness.control.current();
        return current.state === 'PAUSED' ? current : undefined;
      }, 'the pause to be applied');
      expect(state).toMatchObject({ requestedBy: 'bus:ops', reason: 'maintenance', version: 1 });
      expect(await harness.queue('ta').isPaused()).toBe(true);
    },
    scaled(20_000),
  );

  it(
    'proposes a plain BUY to risk (the baseline the refusals below differ from)',
    async () => {
      const harness = await coordinator();
      await harness.t.bus.publish('decision.signal_emitted', aSignal('sig-plain'), {
        symbol: 'BTC/USD',
        correlationId: 'corr-plain',
      });
      expect(await decisionOf(harness, 'sig-plain')).toMatchObject({
        outcome: 'proposed',
        proposalId: 'prop-sig-plain',
        conflicts: [],
        coordinatorState: 'RUNNING',
        degradationLevel: 'NORMAL',
      });
      // The handling is stored first, then the risk job is added.
      const job = await waitFor(() => riskJob(harness, 'sig-plain'), 'the risk job');
      expect(job.data).toMatchObject({
        proposal: {
          proposalId: 'prop-sig-plain',
          symbol: 'BTC/USD',
          side: 'buy',
          intent: 'entry',
          correlationId: 'corr-plain',
        },
      });
    },
    scaled(20_000),
  );

  it(
    'records a BUY as exits_only at the LIMITED level and proposes nothing',
    async () => {
      const harness = await coordinator();
      await degradeTo(harness, 'LIMITED');
      await harness.t.bus.publish('decision.signal_emitted', aSignal('sig-limited'), { symbol: 'BTC/USD' });
      expect(await decisionOf(harness, 'sig-limited')).toMatchObject({
        outcome: 'exits_only',
        proposalId: null,
        proposal: null,
        degradationLevel: 'LIMITED',
      });
      expect(await riskJob(harness, 'sig-limited')).toBeUndefined();
      expect((await harness.control.current()).state).toBe('RUNNING');
    },
    scaled(20_000),
  );

  it(
    'halts the cluster on a BUY at the EMERGENCY level and records the signal as halted',
    async () => {
      const harness = await coordinator();
      await degradeTo(harness, 'EMERGENCY');
      await harness.t.bus.publish('decision.signal_emitted', aSignal('sig-emergency'), { symbol: 'BTC/USD' });
      expect(await decisionOf(harness, 'sig-emergency')).toMatchObject({
        outcome: 'halted',
        proposalId: null,
        degradationLevel: 'EMERGENCY',
      });
      expect(await harness.control.current()).toMatchObject({ state: 'HALTED', requestedBy: 'degradation' });
      expect(await harness.queue('risk').isPaused()).toBe(true);
      expect(await riskJob(harness, 'sig-emergency')).toBeUndefined();
    },
    scaled(20_000),
  );

  it(
    'records a signal older than coordinator.freshnessMs.tradingSignal as stale and proposes nothing',
    async () => {
      const harness = await coordinator();
      // A publisher whose clock stamped the signal 6 minutes ago (the window is 5), with a bus
      // TTL long enough that the bus itself still delivers it.
      const publisher = new Bus({
        redis: harness.t.redis,
        keys: harness.t.keys,
        service: 'decision',
        config: harness.t.bus.config,
        clock: new ManualClock(Date.now() - 6 * 60_000),
      });
      expect(harness.config.coordinator.freshnessMs.tradingSignal).toBe(5 * 60_000);
      await publisher.publish('decision.signal_emitted', aSignal('sig-stale'), {
        symbol: 'BTC/USD',
        ttlMs: 60 * 60_000,
      });
      expect(await decisionOf(harness, 'sig-stale')).toMatchObject({ outcome: 'stale', proposalId: null });
      expect(await riskJob(harness, 'sig-stale')).toBeUndefined();
      await publisher.close(1_000);
    },
    scaled(20_000),
  );

  it(
    'aborts a BUY against a bearish TA and a trending_bear regime of its own symbol, resolved by the rules resolver',
    async () => {
      const harness = await coordinator();
      await harness.t.bus.publish('ta.signal_emitted', aTaSignal({ bias: 'short', confidence: 0.9 }), {
        symbol: 'BTC/USD',
        source: 'ta',
      });
      await harness.t.bus.publish(
        'regime.detected',
        { timeframe: '1h', candleOpenTimeMs: Date.UTC(2022, 6, 1), regime: 'trending_bear', confidence: 0.8 },
        { symbol: 'BTC/USD', source: 'regime' },
      );
      await harness.t.bus.publish('decision.signal_emitted', aSignal('sig-against'), {
        symbol: 'BTC/USD',
        correlationId: 'corr-against',
      });

      const decision = await decisionOf(harness, 'sig-against');
      expect(decision).toMatchObject({ outcome: 'abort', proposalId: null, proposal: null });
      expect((decision.conflicts as { kind: string }[]).map((c) => c.kind).sort()).toEqual([
        'against_regime',
        'confidence_gap',
      ]);
      expect(decision.resolution).toMatchObject({ action: 'abort', source: 'rules' });
      expect(await riskJob(harness, 'sig-against')).toBeUndefined();
      // No provider has an API key: the built-in resolver answered, and its call is on record.
      const calls = await harness.database.db.select().from(llmCalls).where(eq(llmCalls.correlationId, 'corr-against'));
      expect(calls).toMatchObject([{ provider: 'rules', purpose: 'conflict_resolution', outcome: 'ok' }]);
    },
    scaled(20_000),
  );

  it(
    'proposes a BUY of BTC/USD when the bearish outputs are about XRP/USD only',
    async () => {
      const harness = await coordinator();
      await harness.t.bus.publish('ta.signal_emitted', aTaSignal({ bias: 'short', confidence: 0.9 }), {
        symbol: 'XRP/USD',
        source: 'ta',
      });
      await harness.t.bus.publish(
        'regime.detected',
        { timeframe: '1h', candleOpenTimeMs: Date.UTC(2022, 6, 1), regime: 'trending_bear', confidence: 0.8 },
        { symbol: 'XRP/USD', source: 'regime' },
      );
      await harness.t.bus.publish('decision.signal_emitted', aSignal('sig-other-symbol'), { symbol: 'BTC/USD' });

      const decision = await decisionOf(harness, 'sig-other-symbol');
      expect(decision).toMatchObject({
        outcome: 'proposed',
        conflicts: [],
        resolution: null,
        proposalId: 'prop-sig-other-symbol',
      });
      // No BTC/USD output counted either way: the confidence is the signal's own.
      expect(decision.consensus).toMatchObject({ counted: 0, multiplier: 1, confidence: 0.8 });
      expect((await waitFor(() => riskJob(harness, 'sig-other-symbol'), 'the risk job')).data).toMatchObject({
        proposal: { symbol: 'BTC/USD', regime: null },
      });
    },
    scaled(20_000),
  );

  it(
    'records a SELL with no open position on a spot account as nothing_to_sell, and proposes the short on margin',
    async () => {
      const aSell = (signalId: string) =>
        aSignal(signalId, {
          action: 'SELL',
          stopLoss: '40800',
          takeProfit: '38400',
          votes: [{ model: 'rules', action: 'SELL', confidence: 0.8 }],
        });
      const spot = await coordinator();
      await spot.t.bus.publish('decision.signal_emitted', aSell('sig-sell-spot'), { symbol: 'BTC/USD' });
      expect(await decisionOf(spot, 'sig-sell-spot')).toMatchObject({ outcome: 'nothing_to_sell', proposalId: null });
      // Quiet window: the claim is that no risk job is added.
      await quietWindow(100);
      expect(await riskJob(spot, 'sig-sell-spot')).toBeUndefined();
      await spot.cleanup();

      const margin = await coordinator({ execution: { margin: true } });
      await margin.t.bus.publish('decision.signal_emitted', aSell('sig-sell-margin'), { symbol: 'BTC/USD' });
      expect(await decisionOf(margin, 'sig-sell-margin')).toMatchObject({ outcome: 'proposed' });
      expect((await waitFor(() => riskJob(margin, 'sig-sell-margin'), 'the risk job')).data).toMatchObject({
        proposal: { side: 'sell', intent: 'entry' },
      });
    },
    scaled(30_000),
  );

  it(
    'records a CLOSE with no open position as nothing_to_close',
    async () => {
      const harness = await coordinator();
      await harness.t.bus.publish('decision.signal_emitted', aClose('sig-close'), { symbol: 'BTC/USD' });
      expect(await decisionOf(harness, 'sig-close')).toMatchObject({ outcome: 'nothing_to_close', proposalId: null });
      // Quiet window: the claim is that no risk job is added.
      await quietWindow(100);
      expect(await riskJob(harness, 'sig-close')).toBeUndefined();
    },
    scaled(20_000),
  );
});
