import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { orders } from '../../src/db/schema/orders.ts';
import { orderReservations } from '../../src/db/schema/order-reservations.ts';
import { riskDecisions } from '../../src/db/schema/risk-decisions.ts';
import { systemEvents } from '../../src/db/schema/system-events.ts';
import { PaperExchange } from '../../src/exchange/paper/paper-exchange.ts';
import { recordOrphanedApprovals } from '../../src/execution/record-orphaned-approvals.ts';
import { approvedClientOrderId } from '../../src/model/approved-order.ts';
import { jobOptionsOf } from '../../src/queues/define-queue.ts';
import { executionJobIdOf } from '../../src/queues/execution-job-id.ts';
import { executionQueue, SubmitOrderResult } from '../../src/queues/queue-catalog.ts';
import { reserveForApproval } from '../../src/reservations/reserve-for-approval.ts';
import { OrderProposal } from '../../src/risk/order-proposal.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { aCandle } from '../support/builders.ts';
import { recordedSubmissions, recordingExchange } from '../support/recording-exchange.ts';
import { createTaskHarness, type TaskHarness } from '../support/task-harness.ts';
import { waitFor } from '../support/wait-for.ts';
import { scaled } from '../support/test-timing.ts';

const CLOCK_MS = Date.UTC(2024, 0, 10, 12);

const anEntry = (id: string) =>
  OrderProposal.parse({
    proposalId: `prop-${id}`,
    signalId: id,
    correlationId: `corr-${id}`,
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
    createdAtMs: CLOCK_MS,
  });

/** Stores an approval of 0.001 BTC with its cash reservation, `ageMs` of wall time ago (the database's clock). */
async function approve(
  h: TaskHarness,
  id: string,
  ageMs = 0,
): Promise<{ proposal: OrderProposal; decisionId: string; clientOrderId: string }> {
  const proposal = anEntry(id);
  const decisionId = `appr-${proposal.proposalId}`;
  const clientOrderId = approvedClientOrderId(proposal);
  await h.database.db.insert(riskDecisions).values({
    decisionId,
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
    createdAt: sql`clock_timestamp() - ${`${ageMs} milliseconds`}::interval`,
  });
  await reserveForApproval(h.database.db, {
    decisionId,
    clientOrderId,
    account: 'paper',
    symbol: 'BTC/USD',
    kind: 'cash',
    amount: '40.16',
    positionId: null,
  });
  return { proposal, decisionId, clientOrderId };
}

describe('an approval becomes an order or a recorded reason why not', () => {
  let h: TaskHarness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  async function start(): Promise<{ h: TaskHarness; submissions: () => Promise<unknown[]> }> {
    h = await createTaskHarness({ clockMs: CLOCK_MS });
    const key = `${h.t.prefix}:test:orders`;
    const paper = new PaperExchange({
      db: h.database.db,
      config: { ...h.config.execution.paper, cashAsset: 'USD' },
      clock: h.clock,
      instruments: h.deps.instruments,
    });
    // The last closed bar: the paper exchange takes orders once it has a price.
    await paper.onPrice(
      'BTC/USD',
      aCandle({
        timeframe: '1h',
        openTimeMs: CLOCK_MS - 3_600_000,
        open: '40000',
        high: '40000',
        low: '40000',
        close: '40000',
        volume: '1000',
      }),
    );
    await h.startWorkers(['execution'], { exchange: recordingExchange(paper, h.t.redis, key) });
    const harness = h;
    return { h, submissions: () => recordedSubmissions(harness.t.redis, key) };
  }

  it(
    'retries an execution job that failed on the database, and sends its order once',
    async () => {
      const { h, submissions } = await start();
      const { proposal, clientOrderId } = await approve(h, 'retry');
      // The approval cannot be read: the table is away, as a terminated backend or a failover would make it.
      await h.database.db.execute(sql`ALTER TABLE risk_decisions RENAME TO risk_decisions_away`);
      const jobId = executionJobIdOf(proposal.proposalId);
      await h
        .queue('execution')
        .add(
          'submit',
          { decisionId: `appr-${proposal.proposalId}`, proposalId: proposal.proposalId },
          { jobId, ...jobOptionsOf(executionQueue) },
        );
      await waitFor(
        async () => ((await h.queue('execution').getJob(jobId))?.attemptsMade ?? 0) >= 1,
        'the first attempt to fail',
      );
      await h.database.db.execute(sql`ALTER TABLE risk_decisions_away RENAME TO risk_decisions`);

      const done = await h.settled('execution', jobId);
      expect(done.state).toBe('completed');
      expect(SubmitOrderResult.parse(done.returnvalue)).toMatchObject({ status: 'submitted', clientOrderId });
      expect(await submissions()).toHaveLength(1);
      expect(await h.database.db.select().from(orders)).toEqual([
        expect.objectContaining({ clientOrderId, status: 'open' }),
      ]);
    },
    scaled(60_000),
  );

  it(
    'records an approval whose execution job Redis lost as a denied order, with an event, once orphanApprovalMs has passed',
    async () => {
      const { h, submissions } = await start();
      const orphanApprovalMs = h.config.execution.orphanApprovalMs;
      const lost = await approve(h, 'lost', orphanApprovalMs + 60_000);
      const young = await approve(h, 'young', orphanApprovalMs - 60_000);
      // One whose job is still waiting (its queue paused) is left to the job.
      await h.queue('execution').pause();
      const waiting = await approve(h, 'waiting', orphanApprovalMs + 60_000);
      await h
        .queue('execution')
        .add(
          'submit',
          { decisionId: waiting.decisionId, proposalId: waiting.proposal.proposalId },
          { jobId: executionJobIdOf(waiting.proposal.proposalId), ...jobOptionsOf(executionQueue) },
        );

      const deps = {
        db: h.database.db,
        exchange: { name: 'paper' as const },
        executionQueue: h.queue('execution'),
        clock: h.clock,
        logger: silentLogger,
      };
      const recorded = await recordOrphanedApprovals(deps, { orphanApprovalMs });
      expect(recorded).toEqual([
        { decisionId: lost.decisionId, clientOrderId: lost.clientOrderId, jobState: 'unknown' },
      ]);
      // Recorded once: the denied row marks it.
      expect(await recordOrphanedApprovals(deps, { orphanApprovalMs })).toEqual([]);

      const rows = await h.database.db.select().from(orders);
      expect(rows).toEqual([
        expect.objectContaining({ clientOrderId: lost.clientOrderId, decisionId: lost.decisionId, status: 'denied' }),
      ]);
      const [event] = await h.database.db
        .select()
        .from(systemEvents)
        .where(eq(systemEvents.type, 'execution.approval_orphaned'));
      expect(event).toMatchObject({
        severity: 'warning',
        correlationId: lost.proposal.correlationId,
        details: expect.objectContaining({ decisionId: lost.decisionId, jobState: 'unknown' }),
      });
      // The denial released its cash; the others still hold theirs.
      const reservations = await h.database.db.select().from(orderReservations);
      expect(Object.fromEntries(reservations.map((r) => [r.decisionId, r.releasedAt !== null]))).toEqual({
        [lost.decisionId]: true,
        [young.decisionId]: false,
        [waiting.decisionId]: false,
      });

      // The job that waited behind a long pause finds its approval stale: it records why and sends nothing.
      await h.queue('execution').resume();
      const done = await h.settled('execution', executionJobIdOf(waiting.proposal.proposalId));
      expect(SubmitOrderResult.parse(done.returnvalue)).toMatchObject({
        status: 'refused',
        clientOrderId: waiting.clientOrderId,
        orderStatus: 'denied',
      });
      expect(await submissions()).toEqual([]);
    },
    scaled(60_000),
  );
});
