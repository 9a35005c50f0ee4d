import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { z } from 'zod';
import { riskDecisions } from '../../src/db/schema/risk-decisions.ts';
import { saveCandles } from '../../src/market/candle-store.ts';
import { clientOrderIdOf } from '../../src/model/client-order-id.ts';
import { applyOrderEvent, createOrder, startSubmission } from '../../src/orders/order-store.ts';
import { EvaluateRiskResult } from '../../src/queues/queue-catalog.ts';
import { riskJobIdOf } from '../../src/queues/risk-jobs.ts';
import { OrderProposal } from '../../src/risk/order-proposal.ts';
import type { PortfolioReader } from '../../src/risk/portfolio-reader.ts';
import type { OpenPosition } from '../../src/risk/risk-context.ts';
import { aCandle } from './builders.ts';
import { createTaskHarness, type TaskHarness } from './task-harness.ts';

/** For tests that probe other rules with several entries of one pair: adds allowed. */
export const ADDS_ALLOWED = { risk: { maxAddsPerPosition: 20 } };

/** A Wednesday noon: no breaker period rolls over during a test. */
export const RISK_CLOCK_MS = Date.UTC(2024, 0, 10, 12);

/**
 * The account a risk worker reads; a test moves it between jobs. `arrive`, when set, is awaited
 * in every read of the free cash and the positions: a barrier there holds jobs until all of them
 * have read the account, so that they decide on the same reading, as replicas at the same moment.
 */
export interface TestAccount {
  equityUsd: string;
  freeCashUsd: string;
  positions: OpenPosition[];
  arrive?: () => Promise<void>;
  /** How old the balances behind these figures may be (`PortfolioReader.balancesMaxAgeMs`). */
  balancesMaxAgeMs?: number;
}

export function readerOf(account: TestAccount): PortfolioReader {
  return {
    ...(account.balancesMaxAgeMs === undefined ? {} : { balancesMaxAgeMs: account.balancesMaxAgeMs }),
    equityUsd: async () => account.equityUsd,
    openPositions: async () => {
      await account.arrive?.();
      return account.positions;
    },
    freeCashUsd: async () => {
      await account.arrive?.();
      return account.freeCashUsd;
    },
  };
}

/** A barrier for `parties` callers of each of the two reads: resolves once every one has arrived at both. */
export function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  return async () => {
    arrived += 1;
    if (arrived >= parties * 2) release();
    await all;
  };
}

/** A harness whose risk worker reads `account`, with the latest close of each pair in `prices` stored. */
export async function startRiskWorker(
  account: TestAccount,
  prices: Record<string, string>,
  config: Record<string, unknown> = {},
): Promise<TaskHarness> {
  const h = await createTaskHarness({ clockMs: RISK_CLOCK_MS, portfolio: readerOf(account), config });
  const candles = Object.entries(prices).map(([symbol, price]) => ({
    ...aCandle({
      timeframe: '1h',
      openTimeMs: RISK_CLOCK_MS - 2 * 3_600_000,
      open: price,
      high: price,
      low: price,
      close: price,
    }),
    symbol,
  }));
  await saveCandles(h.database.db, candles, 'replay');
  await h.startWorkers(['risk']);
  return h;
}

/** A proposal that passes the real parse: a BTC/USD buy entry, 5 % of equity at 1x, 2 % stop below 40000. */
export function aRiskProposal(id: string, overrides: Partial<z.input<typeof OrderProposal>> = {}): OrderProposal {
  return OrderProposal.parse({
    proposalId: `prop-${id}`,
    signalId: id,
    correlationId: `corr-${id}`,
    symbol: 'BTC/USD',
    side: 'buy',
    intent: 'entry',
    entryPrice: '40000',
    stopLoss: '39200',
    takeProfit: null,
    sizePct: 5,
    leverage: 1,
    confidence: 0.9,
    regime: null,
    createdAtMs: RISK_CLOCK_MS,
    ...overrides,
  });
}

export interface StoredDecision {
  decision: 'approved' | 'denied';
  decisionId: string;
  executionJobId: string | null;
  rules: string[];
  /** The reasons' messages, in rule order. */
  messages: string[];
  quantity: string | null;
  notionalUsd: string | null;
}

/** Adds the risk jobs at once (as the coordinator, a rebalance or a hand would) and waits for every decision. */
export async function decideAll(h: TaskHarness, proposals: readonly OrderProposal[]): Promise<StoredDecision[]> {
  await h.queue('risk').addBulk(
    proposals.map((proposal) => ({
      name: 'evaluate',
      data: { proposal },
      opts: { jobId: riskJobIdOf(proposal.proposalId) },
    })),
  );
  return Promise.all(
    proposals.map(async (proposal) => {
      const done = await h.settled('risk', riskJobIdOf(proposal.proposalId), 15_000);
      expect(done.state, done.failedReason).toBe('completed');
      const result = EvaluateRiskResult.parse(done.returnvalue);
      const [row] = await h.database.db
        .select()
        .from(riskDecisions)
        .where(eq(riskDecisions.proposalId, proposal.proposalId));
      return {
        decision: result.decision,
        decisionId: result.decisionId,
        executionJobId: result.executionJobId,
        rules: ((row?.reasons ?? []) as { rule: string }[]).map((r) => r.rule),
        messages: ((row?.reasons ?? []) as { message: string }[]).map((r) => r.message),
        quantity: row?.quantity ?? null,
        notionalUsd: row?.notionalUsd ?? null,
      };
    }),
  );
}

export async function decideOne(h: TaskHarness, proposal: OrderProposal): Promise<StoredDecision> {
  const [decision] = await decideAll(h, [proposal]);
  return decision!;
}

/** The order execution places for an approval, recorded as the order store records it. */
export async function placeOrderFor(
  h: TaskHarness,
  proposal: OrderProposal,
  decisionId: string,
  quantity: string,
): Promise<string> {
  const purpose = proposal.purpose ?? proposal.intent;
  const clientOrderId = clientOrderIdOf(proposal.proposalId, purpose);
  await createOrder(h.database.db, {
    clientOrderId,
    decisionId,
    proposalId: proposal.proposalId,
    correlationId: proposal.correlationId,
    symbol: proposal.symbol,
    side: proposal.side,
    type: 'market',
    intent: proposal.intent,
    purpose,
    quantity,
    reduceOnly: proposal.intent === 'exit',
    exchange: 'paper',
  });
  await startSubmission(h.database.db, clientOrderId);
  return clientOrderId;
}

export async function fillOrder(h: TaskHarness, clientOrderId: string, quantity: string, price: string): Promise<void> {
  await applyOrderEvent(h.database.db, clientOrderId, { kind: 'accepted', exchangeOrderId: `x-${clientOrderId}` });
  await applyOrderEvent(h.database.db, clientOrderId, {
    kind: 'fill',
    fill: { fillId: `f-${clientOrderId}`, quantity, price, feeUsd: '0', filledAtMs: RISK_CLOCK_MS },
  });
}

/** Held cash against balances read after everything so far (`databaseNow` is cut to the ms: one ms on is after it). */
