import type { Redis } from 'ioredis';
import { candles } from '../../src/db/schema/candles.ts';
import { coordinatorDecisions } from '../../src/db/schema/coordinator-decisions.ts';
import { orders } from '../../src/db/schema/orders.ts';
import { portfolioSnapshots } from '../../src/db/schema/portfolio-snapshots.ts';
import { positions } from '../../src/db/schema/positions.ts';
import { riskDecisions } from '../../src/db/schema/risk-decisions.ts';
import type { Db } from '../../src/db/open-database.ts';
import type { Keys } from '../../src/keys.ts';
import { initialRiskState } from '../../src/risk/risk-state.ts';

export const HOUR_MS = 3_600_000;

/**
 * A paper account as a running cluster leaves it, written straight into the stores: a long
 * BTC/USD whose stop rests on the exchange, a short SOL/USD whose stop is still being
 * submitted, an open ETH/USD entry order, a valuation yesterday and one today (equity 10 000
 * → 10 400), six coordinator decisions (the newest approved by risk), and in Redis a risk
 * state whose daily-loss breaker has tripped.
 */
export async function writeStatusScenario(db: Db, redis: Redis, keys: Keys, nowMs: number): Promise<void> {
  const hourStart = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  const dayStart = Math.floor(nowMs / (24 * HOUR_MS)) * 24 * HOUR_MS;
  const opened = new Date(hourStart - 3 * HOUR_MS);
  await db.insert(candles).values([
    {
      symbol: 'BTC/USD',
      timeframe: '1h',
      openTime: new Date(hourStart - 2 * HOUR_MS),
      open: '49000',
      high: '50500',
      low: '48900',
      close: '50200',
      volume: '3',
      source: 'replay',
    },
    {
      symbol: 'BTC/USD',
      timeframe: '1h',
      openTime: new Date(hourStart - HOUR_MS),
      open: '50200',
      high: '51100',
      low: '50100',
      close: '51000',
      volume: '2',
      source: 'replay',
    },
    {
      symbol: 'SOL/USD',
      timeframe: '1h',
      openTime: new Date(hourStart - HOUR_MS),
      open: '150',
      high: '152',
      low: '147',
      close: '148',
      volume: '10',
      source: 'replay',
    },
  ]);
  await db.insert(positions).values([
    {
      account: 'paper',
      symbol: 'BTC/USD',
      status: 'open',
      side: 'long',
      quantity: '0.5',
      avgEntryPrice: '50000',
      leverage: '1',
      realizedPnlUsd: '-10',
      feesUsd: '10',
      protection: { stopLoss: '48000', takeProfit: '56000', trailing: null },
      openedAt: opened,
      updatedAt: opened,
    },
    {
      account: 'paper',
      symbol: 'SOL/USD',
      status: 'open',
      side: 'short',
      quantity: '10',
      avgEntryPrice: '150',
      leverage: '2',
      realizedPnlUsd: '0',
      feesUsd: '0',
      protection: { stopLoss: '160', takeProfit: null, trailing: null },
      openedAt: opened,
      updatedAt: opened,
    },
    // Another account's position is not this account's.
    {
      account: 'kraken',
      symbol: 'BTC/USD',
      status: 'open',
      side: 'long',
      quantity: '9',
      avgEntryPrice: '1000',
      leverage: '1',
      realizedPnlUsd: '0',
      feesUsd: '0',
      protection: { stopLoss: null, takeProfit: null, trailing: null },
      openedAt: opened,
      updatedAt: opened,
    },
  ]);
  const order = { type: 'market', intent: 'entry', leverage: '1', reduceOnly: false, exchange: 'paper' } as const;
  await db.insert(orders).values([
    {
      ...order,
      clientOrderId: 'stop-btc-1',
      exchangeOrderId: 'EX-STOP-1',
      symbol: 'BTC/USD',
      side: 'sell',
      type: 'stop-loss',
      intent: 'protective',
      purpose: 'stop_loss',
      quantity: '0.5',
      triggerPrice: '48000',
      reduceOnly: true,
      cause: 'stop',
      status: 'open',
      createdAt: new Date(hourStart - 2 * HOUR_MS),
    },
    {
      ...order,
      clientOrderId: 'stop-sol-1',
      symbol: 'SOL/USD',
      side: 'buy',
      type: 'stop-loss',
      intent: 'protective',
      purpose: 'stop_loss',
      quantity: '10',
      triggerPrice: '160',
      reduceOnly: true,
      cause: 'stop',
      status: 'submitting',
      createdAt: new Date(hourStart - HOUR_MS),
    },
    {
      ...order,
      clientOrderId: 'entry-eth-1',
      exchangeOrderId: 'EX-ETH-1',
      symbol: 'ETH/USD',
      side: 'buy',
      type: 'limit',
      purpose: 'entry',
      quantity: '2',
      filledQuantity: '0.5',
      limitPrice: '3000',
      cause: 'approval',
      status: 'partially_filled',
      createdAt: new Date(hourStart - HOUR_MS / 2),
    },
    // Done with: not working any more.
    {
      ...order,
      clientOrderId: 'entry-btc-0',
      symbol: 'BTC/USD',
      side: 'buy',
      purpose: 'entry',
      quantity: '0.5',
      filledQuantity: '0.5',
      cause: 'approval',
      status: 'filled',
      createdAt: opened,
    },
  ]);
  const snapshot = {
    account: 'paper',
    exposureUsd: '27000',
    unrealizedPnlUsd: '520',
    realizedPnlUsd: '-10',
    feesUsd: '10',
    positions: [],
  };
  await db.insert(portfolioSnapshots).values([
    { ...snapshot, at: new Date(dayStart - HOUR_MS), equityUsd: '10000', cashUsd: '5100' },
    { ...snapshot, at: new Date(hourStart), equityUsd: '10400', cashUsd: '5000' },
  ]);
  for (let i = 0; i < 6; i++) {
    const proposalId = i === 5 ? 'prop-6' : null;
    await db.insert(coordinatorDecisions).values({
      signalId: `sig-${i + 1}`,
      correlationId: `corr-${i + 1}`,
      symbol: 'BTC/USD',
      action: i === 5 ? 'BUY' : 'HOLD',
      outcome: i === 5 ? 'proposed' : 'hold',
      conflicts: [],
      proposalId,
      coordinatorState: 'RUNNING',
      degradationLevel: 'NORMAL',
      createdAt: new Date(nowMs - (6 - i) * 60_000),
    });
  }
  await db.insert(riskDecisions).values({
    decisionId: 'appr-prop-6',
    proposalId: 'prop-6',
    signalId: 'sig-6',
    correlationId: 'corr-6',
    symbol: 'BTC/USD',
    decision: 'approved',
    proposal: {},
    adjustments: [],
    reasons: [],
    riskState: {},
  });

  const risk = initialRiskState('10000', nowMs);
  const tripped = {
    ...risk,
    tradingState: 'REDUCING' as const,
    breakers: { ...risk.breakers, dailyLoss: { tripped: true, trippedAtMs: hourStart, lossPct: '5.1' } },
  };
  await redis.set(keys.riskStateMirror, JSON.stringify({ account: 'paper', ...tripped }));
}
