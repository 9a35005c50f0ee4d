import { describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { explainChain } from '../../src/explain/explain-chain.ts';
import { Explanation } from '../../src/explain/explanation.ts';
import { renderExplanation } from '../../src/explain/render-explanation.ts';
import { applyOrderEvent, createOrder } from '../../src/orders/order-store.ts';
import { applyPendingFills } from '../../src/positions/position-store.ts';
import { TriplegainError } from '../../src/shared/triplegain-error.ts';
import type { TestDatabase } from '../support/test-database.ts';
import { seedChain, type SeededChain } from './chain-builders.ts';

const HOUR_MS = 3_600_000;

describe('explainChain on postgres', () => {
  let t: TestDatabase;
  let buy: SeededChain;
  let hold: SeededChain;
  it.beforeAll(async ({ fileDatabase }) => {
    t = fileDatabase;
    buy = await seedChain(t.db, { symbol: 'BTC/USD', barMs: Date.UTC(2024, 0, 10, 12), action: 'BUY' });
    hold = await seedChain(t.db, { symbol: 'XRP/USD', barMs: Date.UTC(2024, 0, 10, 12), action: 'HOLD' });
  });

  it('explains a signal from the analysed bar to the closed position', async () => {
    const e = await explainChain(t.db, buy.signalId);
    expect(Explanation.parse(e)).toEqual(e);
    expect(e.query).toEqual({ id: buy.signalId, matchedAs: 'signal_id' });
    expect(e).toMatchObject({
      signalId: buy.signalId,
      proposalId: `prop-${buy.signalId}`,
      correlationId: buy.correlationId,
    });

    // The analysed bar and the three before it; the bar after it is not part of the decision.
    expect(e.candles.map((c) => [c.openTimeMs, c.close, c.analysed])).toEqual([
      [buy.barMs - 3 * HOUR_MS, '41500', false],
      [buy.barMs - 2 * HOUR_MS, '41720.5', false],
      [buy.barMs - HOUR_MS, '41880', false],
      [buy.barMs, '42000', true],
    ]);
    // TA and regime by the flow's correlation id, sentiment (another flow) by the bar.
    expect(e.agentOutputs.map((o) => o.agent)).toEqual(['ta', 'regime', 'sentiment']);
    expect(e.agentOutputs[0]!.figures).toMatchObject({ bias: 'long', confidence: 0.7, close: '42000', rsi14: 61.2 });
    expect(e.agentOutputs[1]!.figures).toMatchObject({ regime: 'trending_bull', confidence: 0.66 });
    expect(e.agentOutputs[2]!.figures).toEqual({
      score: 0.35,
      confidence: 0.6,
      sampleCount: 7,
      model: 'openai/gpt-4o-mini',
    });
    expect(e.modelCalls.map((c) => [c.purpose, c.model, c.outcome])).toEqual([
      ['decision', 'claude-sonnet', 'ok'],
      ['decision', 'gpt-4o', 'ok'],
      ['decision', 'deepseek-chat', 'timeout'],
      ['conflict_resolution', 'claude-haiku', 'ok'],
    ]);

    expect(e.signal).toMatchObject({
      action: 'BUY',
      confidence: 0.72,
      entryPrice: '42000',
      stopLoss: '41000',
      takeProfit: '44000',
      sizePct: '2',
      leverage: '1',
    });
    expect(e.signal!.votes).toHaveLength(2);
    expect(e.signal!.abstentions).toEqual([{ model: 'deepseek/deepseek-chat', reason: 'timeout after 30000 ms' }]);
    expect(e.coordinator).toMatchObject({
      outcome: 'proposed',
      proposalId: buy.proposalId,
      resolution: { action: 'proceed' },
      consensus: { agreeing: 2, counted: 3 },
    });
    expect(e.coordinator!.conflicts.map((c) => c.kind)).toEqual(['confidence_gap']);
    expect(e.risk).toMatchObject({
      decisionId: buy.decisionId,
      decision: 'approved',
      notionalUsd: '840',
      quantity: '0.02',
      riskStateAfter: { tradingState: 'ACTIVE' },
    });

    expect(e.orders.map((o) => [o.purpose, o.status, o.exchangeOrderId])).toEqual([
      ['entry', 'filled', buy.entry!.exchangeOrderId],
      ['stop_loss', 'canceled', buy.stopLoss!.exchangeOrderId],
      ['take_profit', 'filled', buy.takeProfit!.exchangeOrderId],
    ]);
    const [entry, stop, takeProfit] = e.orders;
    expect(entry!.events.map((ev) => [ev.kind, ev.fromStatus, ev.toStatus])).toEqual([
      ['created', null, 'created'],
      ['submit_started', 'created', 'submitting'],
      ['accepted', 'submitting', 'open'],
      ['fill', 'open', 'filled'],
    ]);
    expect(stop!.events.at(-1)).toMatchObject({
      kind: 'canceled',
      toStatus: 'canceled',
      payload: { reason: 'position closed' },
    });
    expect(entry!.fills).toEqual([
      expect.objectContaining({ quantity: '0.02', price: '42010.5', feeUsd: '0.84021', realizedPnlUsd: '-0.84021' }),
    ]);
    expect(takeProfit!.fills).toEqual([
      expect.objectContaining({ quantity: '0.02', price: '44005', feeUsd: '0.8801' }),
    ]);

    // Opened by the entry's fill, closed by the take profit's: all of its P&L is this chain's.
    expect(e.positions).toHaveLength(1);
    const [position] = e.positions;
    expect(position).toMatchObject({
      account: 'paper',
      symbol: 'BTC/USD',
      status: 'closed',
      side: 'long',
      avgEntryPrice: '42010.5',
    });
    expect(entry!.fills[0]!.positionId).toBe(position!.positionId);
    expect(takeProfit!.fills[0]!.positionId).toBe(position!.positionId);
    // 0.02 × (44005 − 42010.5) − 0.84021 − 0.8801
    expect(position!.realizedPnlUsd).toBe('38.16969');
    expect(position!.chainRealizedPnlUsd).toBe('38.16969');
  });

  it('gives the same chain for its proposal, risk decision, client order and exchange order ids', async () => {
    const bySignal = await explainChain(t.db, buy.signalId);
    const asked: [string, string][] = [
      [buy.proposalId!, 'proposal_id'],
      [buy.decisionId!, 'risk_decision_id'],
      [buy.entry!.clientOrderId, 'client_order_id'],
      [buy.stopLoss!.clientOrderId, 'client_order_id'],
      [buy.takeProfit!.exchangeOrderId, 'exchange_order_id'],
    ];
    for (const [id, matchedAs] of asked) {
      const e = await explainChain(t.db, id);
      expect(e.query).toEqual({ id, matchedAs });
      expect({ ...e, query: bySignal.query }).toEqual(bySignal);
    }
  });

  it('explains a HOLD without a proposal, risk decision, orders or position', async () => {
    const e = await explainChain(t.db, hold.signalId);
    expect(e).toMatchObject({
      proposalId: null,
      risk: null,
      orders: [],
      positions: [],
      signal: { action: 'HOLD', entryPrice: null },
      coordinator: { outcome: 'hold', proposal: null },
    });
    expect(e.candles.filter((c) => c.analysed)).toHaveLength(1);
    expect(e.agentOutputs.map((o) => o.agent)).toEqual(['ta', 'regime', 'sentiment']);
    const text = renderExplanation(e);
    expect(text).toContain('6. Risk\n   none: the signal led to no proposal');
    expect(text).toContain('7. Orders\n   none');
  });

  it('explains an order no signal led to by itself', async () => {
    const { order } = await createOrder(t.db, {
      clientOrderId: 'flatten-op-1',
      decisionId: null,
      proposalId: null,
      cause: 'operator',
      correlationId: 'operator.flatten.1',
      symbol: 'BTC/USD',
      side: 'sell',
      type: 'market',
      intent: 'exit',
      purpose: 'flatten',
      quantity: '0.5',
      reduceOnly: true,
      exchange: 'paper',
    });
    const e = await explainChain(t.db, order.clientOrderId);
    expect(e).toMatchObject({
      query: { matchedAs: 'client_order_id' },
      signalId: null,
      proposalId: null,
      correlationId: 'operator.flatten.1',
      signal: null,
      coordinator: null,
      risk: null,
      candles: [],
    });
    expect(e.orders.map((o) => [o.purpose, o.status])).toEqual([['flatten', 'created']]);
    expect(renderExplanation(e)).toContain('none: no signal led to this order');
  });

  it("explains a rebalance's order: its fill goes into the core allocation, no position", async () => {
    const clientOrderId = 'rebal-1.b0.XRP-USD.buy';
    await createOrder(t.db, {
      clientOrderId,
      decisionId: null,
      proposalId: null,
      cause: 'operator',
      correlationId: 'rebal-1',
      symbol: 'XRP/USD',
      side: 'buy',
      type: 'market',
      intent: 'entry',
      purpose: 'rebalance',
      quantity: '100',
      exchange: 'paper',
    });
    await applyOrderEvent(t.db, clientOrderId, { kind: 'submit_started' });
    await applyOrderEvent(t.db, clientOrderId, { kind: 'accepted', exchangeOrderId: 'PAPER-rebal-1' });
    await applyOrderEvent(t.db, clientOrderId, {
      kind: 'fill',
      exchangeOrderId: 'PAPER-rebal-1',
      fill: {
        fillId: 'PAPER-rebal-1:100',
        quantity: '100',
        price: '0.5',
        feeUsd: '0.2',
        filledAtMs: Date.UTC(2024, 0, 10, 13),
      },
    });
    expect(await applyPendingFills(t.db, 'paper')).toEqual([]);

    const e = await explainChain(t.db, clientOrderId);
    expect(e.orders.map((o) => [o.purpose, o.status])).toEqual([['rebalance', 'filled']]);
    expect(e.orders[0]!.fills).toEqual([expect.objectContaining({ positionId: null, realizedPnlUsd: '0' })]);
    expect(e.positions).toEqual([]);
    expect(renderExplanation(e)).toContain('100 at 0.5, fee 0.2 USD → the core allocation (no position)');
  });

  it('refuses an unknown id with NOT_FOUND, naming the ids it accepts', async () => {
    const err = await explainChain(t.db, 'sig-DOGE-USD-1h-0').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TriplegainError);
    expect(err).toMatchObject({ code: 'NOT_FOUND', retryable: false });
    expect((err as TriplegainError).message).toMatch(
      /nothing to explain for "sig-DOGE-USD-1h-0": expected a signal id .*, a proposal id .*, a risk decision id .*, a client order id or an exchange order id/,
    );
  });

  it('renders one section per step, in order, with money as stored', async () => {
    const text = renderExplanation(await explainChain(t.db, buy.entry!.exchangeOrderId));
    const titles = [...text.matchAll(/^\d\. (.+)$/gm)].map((m) => m[1]);
    expect(titles).toEqual([
      'Market data',
      'Analysis agents',
      'Model calls',
      'Trading signal',
      'Coordinator',
      'Risk',
      'Orders',
      'Positions',
    ]);
    expect(text).toMatch(/^Explanation of PAPER-\S+-entry \(exchange order id\)$/m);
    expect(text).toMatch(/^times: bars, order events, fills and positions in market time; agents, .* in wall time/m);
    expect(text).toMatch(/2024-01-10 12:00:00Z .*42000 .*← analysed/);
    expect(text).toContain('notional 840 USD, quantity 0.02');
    expect(text).toContain('fill PAPER-');
    expect(text).toContain('realized P&L 38.16969 USD (of which this chain 38.16969 USD)');
    // The resolver's call is told with the coordinator, not with the panel's.
    expect(text.indexOf('claude-haiku')).toBeGreaterThan(text.indexOf('5. Coordinator'));
  });
});
