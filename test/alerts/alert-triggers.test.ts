import { sql } from 'drizzle-orm';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/alert.ts';
import type { AlertDelivery } from '../../src/alerts/alert-delivery.ts';
import { AlertRaiser } from '../../src/alerts/alert-raiser.ts';
import { startAlertDispatcher } from '../../src/alerts/start-alert-dispatcher.ts';
import { systemClock } from '../../src/clock/clock.ts';
import { AlertsConfig } from '../../src/config/sections/alerts-config.ts';
import { DegradationConfig } from '../../src/config/sections/degradation-config.ts';
import { ControlPlane } from '../../src/control/control-plane.ts';
import { riskDecisions } from '../../src/db/schema/risk-decisions.ts';
import { DegradationMonitor } from '../../src/degradation/degradation-monitor.ts';
import { recordOrphanedApprovals } from '../../src/execution/record-orphaned-approvals.ts';
import { reprotectPositions } from '../../src/execution/reprotect-positions.ts';
import type { Keys } from '../../src/keys.ts';
import { OrderProposal } from '../../src/risk/order-proposal.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { TriplegainError } from '../../src/shared/triplegain-error.ts';
import { flatBar, PositionScenario } from '../support/position-scenario.ts';
import { createTaskHarness } from '../support/task-harness.ts';
import { createTestBus } from '../support/test-bus.ts';
import { bullConnection } from '../support/test-queues.ts';
import { waitFor } from '../support/wait-for.ts';
import { scaled } from '../support/test-timing.ts';

/** Alerts to a webhook that is never called here: the jobs stay in the queue for the test to read. */
const ALERTS = AlertsConfig.parse({
  webhooks: [{ name: 'ops', url: 'http://127.0.0.1:9/alerts' }],
  collapseMs: 60_000,
});

describe('each kind of event raises its alert', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  });

  /** An alert raiser on the test's Redis, and what its queue holds. */
  function alertsOn(t: { url: string; redis: Redis; keys: Keys }) {
    const connection = bullConnection(t.url);
    const queue = new Queue('alerts', { connection, prefix: t.keys.queuePrefix });
    cleanups.push(async () => {
      await queue.close();
      connection.disconnect();
    });
    const raiser = new AlertRaiser({ redis: t.redis, keys: t.keys, queue, config: ALERTS, logger: silentLogger });
    const alerts = async (): Promise<Alert[]> =>
      (await queue.getJobs(['delayed', 'waiting'])).map((j) => (j.data as AlertDelivery).alert);
    const alertOf = (kind: Alert['kind'], subject?: string) =>
      waitFor(
        async () => (await alerts()).find((a) => a.kind === kind && (subject === undefined || a.subject === subject)),
        `a ${kind} alert${subject ? ` about ${subject}` : ''}`,
      );
    return { raiser, alerts, alertOf };
  }

  async function busWithDispatcher() {
    const t = await createTestBus();
    cleanups.push(() => t.cleanup());
    const a = alertsOn(t);
    await startAlertDispatcher({ bus: t.bus, alerts: a.raiser });
    return { t, ...a };
  }

  it('raises a breaker trip as critical when its action halts', async () => {
    const { t, alertOf } = await busWithDispatcher();
    await t.bus.publish(
      'risk.breaker_tripped',
      { breaker: 'drawdown', action: 'halt_and_close', lossPct: '21.5', thresholdPct: 20 },
      { source: 'risk', priority: 'urgent' },
    );
    expect(await alertOf('breaker_tripped')).toMatchObject({
      subject: 'drawdown',
      severity: 'critical',
      title: 'risk breaker drawdown tripped: halt_and_close',
    });
  });

  it('raises a halt, and a pause, from the control plane', async () => {
    const { t, alertOf } = await busWithDispatcher();
    const connection = bullConnection(t.url);
    cleanups.push(async () => connection.disconnect());
    const control = new ControlPlane({ redis: t.redis, keys: t.keys, connection, bus: t.bus, logger: silentLogger });
    await control.apply('pause', { requestedBy: 'cli:ops' });
    await control.apply('halt', { requestedBy: 'cli:ops', reason: 'exchange incident', cancelOrders: true });
    expect(await alertOf('trading_state_changed', 'PAUSED')).toMatchObject({
      severity: 'warning',
      title: 'trading RUNNING → PAUSED',
    });
    expect(await alertOf('trading_state_changed', 'HALTED')).toMatchObject({
      severity: 'critical',
      title: 'trading PAUSED → HALTED',
      message: expect.stringContaining('halt by cli:ops: exchange incident'),
    });
  });

  it('raises a dead-lettered message, naming its topic and group', async () => {
    const { t, alertOf, alerts } = await busWithDispatcher();
    await t.bus.subscribe({
      topic: 'risk_alerts',
      service: 'flaky',
      overrides: { maxDeliveries: 1 },
      handler: () => {
        throw new Error('handler broke');
      },
    });
    await t.bus.publish(
      'risk.breaker_tripped',
      { breaker: 'dailyLoss', action: 'pause_entries', lossPct: '5.1', thresholdPct: 5 },
      { source: 'risk' },
    );
    const dead = await alertOf('message_dead_lettered');
    expect(dead).toMatchObject({
      subject: 'risk_alerts/flaky',
      severity: 'error',
      details: expect.objectContaining({ type: 'risk.breaker_tripped', reason: 'handler_failed' }),
    });
    expect(dead.message).toContain('handler broke');
    // The trip itself is raised as well, on its own.
    expect((await alerts()).map((a) => a.kind).sort()).toEqual(['breaker_tripped', 'message_dead_lettered']);
  });

  it('does not raise the dead letter of a dead-letter alert: a failing consumer of system_events does not feed on its own', async () => {
    const { t } = await busWithDispatcher();
    await t.bus.subscribe({
      topic: 'system_events',
      service: 'flaky',
      overrides: { maxDeliveries: 1 },
      handler: () => {
        throw new Error('handler broke');
      },
    });
    const deadTypes = async () =>
      (await t.bus.deadLetters('system_events')).map(
        (d) => `${d.fields.source}:${(JSON.parse(d.fields.payload ?? '{}') as { code?: string }).code}`,
      );
    await t.bus.publish(
      'system.alert_raised',
      { severity: 'error', code: 'test.first', message: 'first' },
      { source: 'test' },
    );
    // Its dead letter is raised, and that alert is dead-lettered in turn, with nothing raised for it.
    await waitFor(async () => (await deadTypes()).length === 2, 'the first message and its alert dead-lettered');
    await t.bus.publish(
      'system.alert_raised',
      { severity: 'error', code: 'test.second', message: 'second' },
      { source: 'test' },
    );
    await waitFor(async () => (await deadTypes()).length >= 4, 'the second message and its alert dead-lettered');
    expect(await deadTypes()).toEqual([
      'test:test.first',
      'bus:bus.message_dead_lettered',
      'test:test.second',
      'bus:bus.message_dead_lettered',
    ]);
  });

  it('raises a degradation change', async () => {
    const { t, alertOf } = await busWithDispatcher();
    const monitor = new DegradationMonitor({
      redis: t.redis,
      keys: t.keys,
      bus: t.bus,
      config: DegradationConfig.parse({ failuresToRaise: 2 }),
      clock: systemClock,
      logger: silentLogger,
    });
    await monitor.recordFailure('task:ta', new Error('boom'));
    await monitor.recordFailure('task:ta', new Error('boom'));
    expect(await alertOf('degradation_changed')).toMatchObject({
      subject: 'REDUCED',
      severity: 'warning',
      title: 'degradation NORMAL → REDUCED',
    });
  });

  it(
    'raises the order the exchange rejected, the position left without its stop, and the entries held for it',
    async () => {
      const s = await PositionScenario.start();
      cleanups.push(() => s.cleanup());
      await s.enter('0.1', '39000');
      await s.bar(flatBar('40000'));
      const [stop] = await s.workingStops();
      await s.paper.cancelOrder(stop!.exchangeOrderId!);
      const place = s.paper.placeOrder.bind(s.paper);
      s.paper.placeOrder = (r, signal) =>
        r.type === 'stop-loss'
          ? Promise.reject(new TriplegainError('EXCHANGE_REJECTED', 'EOrder:Insufficient funds', { requestSent: true }))
          : place(r, signal);
      const { raiser, alertOf } = alertsOn(s.h.t);

      const report = await reprotectPositions({ ...s.deps, alerts: raiser }, 'worker-start');

      expect(report.complete).toBe(false);
      expect(await alertOf('order_rejected', 'BTC/USD')).toMatchObject({
        severity: 'error',
        message: 'EOrder:Insufficient funds',
        details: expect.objectContaining({ purpose: 'stop_loss', side: 'sell' }),
      });
      expect(await alertOf('position_unprotected', 'paper/BTC/USD')).toMatchObject({
        severity: 'error',
        title: 'no stop rests for the paper/BTC/USD position',
      });
      expect(await alertOf('position_unprotected', 'positions.protection_pending')).toMatchObject({
        title: 'entries held: not every open position has its stop',
      });
    },
    scaled(60_000),
  );

  it(
    'raises an approval that never became an order',
    async () => {
      const clockMs = Date.UTC(2024, 0, 10, 12);
      const h = await createTaskHarness({ clockMs });
      cleanups.push(() => h.cleanup());
      const proposal = OrderProposal.parse({
        proposalId: 'prop-lost',
        signalId: 'lost',
        correlationId: 'corr-lost',
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
        createdAtMs: clockMs,
      });
      const orphanApprovalMs = h.config.execution.orphanApprovalMs;
      await h.database.db.insert(riskDecisions).values({
        decisionId: 'appr-lost',
        proposalId: proposal.proposalId,
        signalId: proposal.signalId,
        correlationId: proposal.correlationId,
        symbol: 'BTC/USD',
        decision: 'approved',
        proposal,
        notionalUsd: '40',
        quantity: '0.001',
        adjustments: [],
        reasons: [],
        riskState: {},
        createdAt: sql`clock_timestamp() - ${`${orphanApprovalMs + 60_000} milliseconds`}::interval`,
      });
      const { raiser, alertOf } = alertsOn(h.t);

      const recorded = await recordOrphanedApprovals(
        {
          db: h.database.db,
          exchange: { name: 'paper' },
          executionQueue: h.queue('execution'),
          clock: h.clock,
          logger: silentLogger,
          alerts: raiser,
        },
        { orphanApprovalMs },
      );

      expect(recorded).toHaveLength(1);
      expect(await alertOf('approval_orphaned', 'BTC/USD')).toMatchObject({
        severity: 'warning',
        correlationId: 'corr-lost',
        details: expect.objectContaining({ decisionId: 'appr-lost', jobState: 'unknown' }),
      });
    },
    scaled(60_000),
  );
});
