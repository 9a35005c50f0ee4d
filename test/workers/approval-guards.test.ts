import { Decimal } from 'decimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { riskJobIdOf } from '../../src/queues/risk-jobs.ts';
import { riskDecisions } from '../../src/db/schema/risk-decisions.ts';
import { EvaluateRiskResult } from '../../src/queues/queue-catalog.ts';
import { OrderProposal } from '../../src/risk/order-proposal.ts';
import type { PortfolioReader } from '../../src/risk/portfolio-reader.ts';
import { PaperExchange } from '../../src/exchange/paper/paper-exchange.ts';
import { recordedSubmissions, recordingExchange } from '../support/recording-exchange.ts';
import { createTaskHarness, type TaskHarness } from '../support/task-harness.ts';
import { scaled } from '../support/test-timing.ts';

const PRICE = '40000';
const anEntry = (id: string) =>
  OrderProposal.parse({
    proposalId: `prop-${id}`,
    signalId: id,
    correlationId: id,
    symbol: 'BTC/USD',
    side: 'buy',
    intent: 'entry',
    entryPrice: PRICE,
    stopLoss: new Decimal(PRICE).times(0.98).toFixed(),
    takeProfit: null,
    sizePct: 1,
    leverage: 1,
    confidence: 0.9,
    regime: null,
    createdAtMs: Date.now(),
  });

describe('no order without a stored approval', () => {
  let h: TaskHarness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  it(
    'denies a proposal when the account cannot be read, approving nothing on a guess',
    async () => {
      const unreadable: PortfolioReader = {
        equityUsd: () => Promise.reject(new Error('portfolio store unreachable')),
        openPositions: async () => [],
        freeCashUsd: async () => '10000',
      };
      h = await createTaskHarness({ clockMs: Date.UTC(2024, 0, 10, 12), portfolio: unreadable });
      await h.startWorkers(['risk']);
      const proposal = anEntry('unreadable');
      await h.queue('risk').add('evaluate', { proposal }, { jobId: riskJobIdOf(proposal.proposalId) });
      const done = await h.settled('risk', riskJobIdOf(proposal.proposalId));
      expect(EvaluateRiskResult.parse(done.returnvalue)).toEqual({
        decision: 'denied',
        decisionId: 'deny-prop-unreadable',
        inserted: false,
        executionJobId: null,
      });
      const [denial] = await h.t.redis.xrange(h.t.keys.busStream('risk_alerts'), '-', '+');
      const payload = JSON.parse(denial![1][denial![1].indexOf('payload') + 1]!) as {
        reasons: { rule: string; message: string }[];
      };
      expect(payload.reasons).toEqual([
        { rule: 'risk_state', message: expect.stringContaining('portfolio store unreachable') },
      ]);
      expect(await h.queue('execution').getJobCounts()).toMatchObject({ waiting: 0, delayed: 0 });
    },
    scaled(30_000),
  );

  it(
    'submits nothing for an execution job whose approval is not stored, or is a denial',
    async () => {
      h = await createTaskHarness({ clockMs: Date.UTC(2024, 0, 10, 12) });
      const orders = `${h.t.prefix}:test:orders`;
      const paper = new PaperExchange({
        db: h.database.db,
        config: { ...h.config.execution.paper, cashAsset: 'USD' },
        clock: h.clock,
        instruments: h.deps.instruments,
      });
      await h.startWorkers(['execution'], { exchange: recordingExchange(paper, h.t.redis, orders) });
      await h.database.db.insert(riskDecisions).values({
        decisionId: 'deny-prop-x',
        proposalId: 'prop-x',
        signalId: 'x',
        correlationId: 'x',
        symbol: 'BTC/USD',
        decision: 'denied',
        proposal: anEntry('x'),
        adjustments: [],
        reasons: [{ rule: 'min_confidence', message: 'too low' }],
        riskState: {},
      });
      await h
        .queue('execution')
        .add('submit', { decisionId: 'appr-prop-forged', proposalId: 'prop-forged' }, { jobId: 'forged' });
      await h
        .queue('execution')
        .add('submit', { decisionId: 'deny-prop-x', proposalId: 'prop-x' }, { jobId: 'denied' });
      for (const jobId of ['forged', 'denied']) {
        const done = await h.settled('execution', jobId);
        expect(done.state).toBe('failed');
        expect(done.failedReason).toMatch(/no stored approval/);
      }
      expect(await recordedSubmissions(h.t.redis, orders)).toEqual([]);
    },
    scaled(30_000),
  );
});
