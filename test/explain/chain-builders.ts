import { saveAgentOutput } from '../support/agent-output-by-name.ts';
import { proposalIdOf } from '../../src/coordinator/build-proposal.ts';
import type { Db } from '../../src/db/open-database.ts';
import { coordinatorDecisions } from '../../src/db/schema/coordinator-decisions.ts';
import { riskDecisions } from '../../src/db/schema/risk-decisions.ts';
import { LlmCallLog } from '../../src/llm/llm-call-log.ts';
import type { PanelDecision } from '../../src/panel/panel-decision.ts';
import { saveCandles } from '../../src/market/candle-store.ts';
import { clientOrderIdOf } from '../../src/model/client-order-id.ts';
import { applyOrderEvent, createOrder } from '../../src/orders/order-store.ts';
import { applyPendingFills } from '../../src/positions/position-store.ts';
import { OrderProposal } from '../../src/risk/order-proposal.ts';
import { initialRiskState } from '../../src/risk/risk-state.ts';
import { signalIdOf } from '../../src/signals/signal-id.ts';
import { saveTradingSignal } from '../../src/signals/trading-signal-store.ts';
import { aTaSignal } from '../support/builders.ts';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** The ids of a seeded chain, to explain it by. */
export interface SeededChain {
  barMs: number;
  signalId: string;
  correlationId: string;
  proposalId: string | null;
  decisionId: string | null;
  entry: { clientOrderId: string; exchangeOrderId: string } | null;
  stopLoss: { clientOrderId: string; exchangeOrderId: string } | null;
  takeProfit: { clientOrderId: string; exchangeOrderId: string } | null;
}

export interface ChainOptions {
  symbol?: string;
  /** Open time of the analysed 1h bar. */
  barMs?: number;
  /** HOLD stops at the coordinator; BUY runs the whole way to a closed position. */
  action?: 'BUY' | 'HOLD';
}

/** A panel decision that passes the real `PanelDecision` parse. */
export function aPanelDecision(action: 'BUY' | 'HOLD'): PanelDecision {
  const buy = action === 'BUY';
  return {
    action,
    confidence: buy ? 0.72 : 0.55,
    agreement: buy ? 0.8 : 0.6,
    entryPrice: buy ? '42000' : null,
    stopLoss: buy ? '41000' : null,
    takeProfit: buy ? '44000' : null,
    sizePct: buy ? 2 : 0,
    leverage: 1,
    votes: [
      { model: 'anthropic/claude-sonnet', action, confidence: 0.8 },
      { model: 'openai/gpt-4o', action: buy ? 'BUY' : 'SELL', confidence: 0.6 },
    ],
    abstentions: [{ model: 'deepseek/deepseek-chat', reason: 'timeout after 30000 ms' }],
    reasons: [
      { model: 'anthropic/claude-sonnet', reasoning: 'EMA stack bullish, RSI 61 with room to run' },
      { model: 'openai/gpt-4o', reasoning: 'momentum positive, volume flat' },
    ],
  };
}

/**
 * Seeds one decision chain the way the workers store it, through the real stores where they
 * exist: four bars up to the analysed one (and one after it, which explain must leave out), TA,
 * regime and sentiment outputs, the panel's and the resolver's model calls, the signal, the
 * coordinator's handling and, for a BUY, the approval, the entry (filled), its stop loss
 * (canceled) and a take profit (filled), the fills taken into the paper position, which closes.
 */
export async function seedChain(db: Db, opts: ChainOptions = {}): Promise<SeededChain> {
  const symbol = opts.symbol ?? 'BTC/USD';
  const barMs = opts.barMs ?? Date.UTC(2024, 0, 10, 12);
  const action = opts.action ?? 'BUY';
  const signalId = signalIdOf(symbol, '1h', barMs);
  const correlationId = `decision.${symbol.replace('/', '-')}.${barMs + HOUR_MS}`;
  const at = (minutesAfterClose: number) => barMs + HOUR_MS + minutesAfterClose * MINUTE_MS;

  const closes = ['41500', '41720.5', '41880', '42000', '42300'];
  await saveCandles(
    db,
    closes.map((close, i) => ({
      symbol,
      timeframe: '1h',
      openTimeMs: barMs + (i - 3) * HOUR_MS,
      open: '41400',
      high: '42500',
      low: '41300',
      close,
      volume: '12.5',
      trades: 340 + i,
      gapFilled: false,
    })),
    'replay',
  );

  await saveAgentOutput(db, {
    agent: 'ta',
    symbol,
    correlationId,
    output: aTaSignal({ candleOpenTimeMs: barMs, close: '42000' }),
  });
  await saveAgentOutput(db, {
    agent: 'regime',
    symbol,
    correlationId,
    output: {
      timeframe: '1h',
      candleOpenTimeMs: barMs,
      regime: 'trending_bull',
      confidence: 0.66,
      metrics: { adx: 27, atrPct: 1.2, bandWidthPct: 3.4, emaAlignment: 1, ema50SlopePct: 0.8 },
    },
  });
  // The sentiment run of the same bar, from another flow: found by its bar.
  await saveAgentOutput(db, {
    agent: 'sentiment',
    symbol,
    correlationId: `sentiment.${signalId}`,
    output: {
      timeframe: '1h',
      candleOpenTimeMs: barMs,
      score: 0.35,
      confidence: 0.6,
      sampleCount: 7,
      model: 'openai/gpt-4o-mini',
    },
  });

  const calls = new LlmCallLog(db);
  for (const model of ['claude-sonnet', 'gpt-4o']) {
    await calls.record({
      occurredAt: new Date(at(1)),
      provider: model.startsWith('claude') ? 'anthropic' : 'openai',
      model,
      purpose: 'decision',
      correlationId,
      outcome: 'ok',
      inputTokens: 1200,
      outputTokens: 180,
      costUsd: '0.0063',
      latencyMs: 900,
    });
  }
  await calls.record({
    occurredAt: new Date(at(1)),
    provider: 'deepseek',
    model: 'deepseek-chat',
    purpose: 'decision',
    correlationId,
    outcome: 'timeout',
    costUsd: '0',
    latencyMs: 30_000,
    error: 'no answer within 30000 ms',
  });

  await saveTradingSignal(db, {
    signalId,
    symbol,
    timeframe: '1h',
    candleOpenTimeMs: barMs,
    decision: aPanelDecision(action),
    withSentiment: true,
    degradationLevel: 'NORMAL',
    correlationId,
  });

  const none = {
    barMs,
    signalId,
    correlationId,
    proposalId: null,
    decisionId: null,
    entry: null,
    stopLoss: null,
    takeProfit: null,
  };
  if (action === 'HOLD') {
    await db.insert(coordinatorDecisions).values({
      signalId,
      correlationId,
      symbol,
      action,
      outcome: 'hold',
      conflicts: [],
      consensus: null,
      resolution: null,
      proposalId: null,
      proposal: null,
      coordinatorState: 'ACTIVE',
      degradationLevel: 'NORMAL',
      createdAt: new Date(at(2)),
    });
    return none;
  }

  await calls.record({
    occurredAt: new Date(at(2)),
    provider: 'anthropic',
    model: 'claude-haiku',
    purpose: 'conflict_resolution',
    correlationId,
    outcome: 'ok',
    inputTokens: 800,
    outputTokens: 60,
    costUsd: '0.0011',
    latencyMs: 700,
  });
  const proposalId = proposalIdOf(signalId);
  const proposal = OrderProposal.parse({
    proposalId,
    signalId,
    correlationId,
    symbol,
    side: 'buy',
    intent: 'entry',
    entryPrice: '42000',
    stopLoss: '41000',
    takeProfit: '44000',
    sizePct: 2,
    leverage: 1,
    confidence: 0.7242,
    regime: 'trending_bull',
    createdAtMs: at(2),
  });
  await db.insert(coordinatorDecisions).values({
    signalId,
    correlationId,
    symbol,
    action,
    outcome: 'proposed',
    conflicts: [
      {
        kind: 'confidence_gap',
        detail: 'signal confidence 0.72 vs regime confidence 0.66',
        between: ['signal', 'regime'],
      },
    ],
    consensus: { agreement: 0.6667, agreeing: 2, counted: 3, multiplier: 1.0059, confidence: 0.7242 },
    resolution: {
      action: 'proceed',
      reasoning: 'the gap is small and the trend is clear',
      source: 'anthropic/claude-haiku',
    },
    proposalId,
    proposal: { ...proposal },
    coordinatorState: 'ACTIVE',
    degradationLevel: 'NORMAL',
    createdAt: new Date(at(2)),
  });

  const decisionId = `appr-${proposalId}`;
  await db.insert(riskDecisions).values({
    decisionId,
    proposalId,
    signalId,
    correlationId,
    symbol,
    decision: 'approved',
    proposal: { ...proposal },
    notionalUsd: '840',
    quantity: '0.02',
    adjustments: [
      {
        rule: 'max_position_size',
        message: 'notional 1000 above the 8.4% cap of equity 10000',
        fromNotionalUsd: '1000',
        toNotionalUsd: '840',
      },
    ],
    reasons: [],
    riskState: { ...initialRiskState('10000', at(3)) },
    createdAt: new Date(at(3)),
  });

  const slug = signalId.slice(4);
  const placed = async (
    purpose: 'entry' | 'stop_loss' | 'take_profit',
    side: 'buy' | 'sell',
    minute: number,
    extra: { type: 'market' | 'stop-loss'; triggerPrice?: string },
  ) => {
    const clientOrderId = clientOrderIdOf(purpose === 'stop_loss' ? `${proposalId}:0.02` : proposalId, purpose);
    const exchangeOrderId = `PAPER-${slug}-${purpose}`;
    await createOrder(db, {
      clientOrderId,
      decisionId,
      proposalId,
      correlationId,
      symbol,
      side,
      intent: purpose === 'entry' ? 'entry' : 'protective',
      purpose,
      quantity: '0.02',
      reduceOnly: purpose !== 'entry',
      exchange: 'paper',
      createdAtMs: at(minute),
      ...extra,
    });
    await applyOrderEvent(db, clientOrderId, { kind: 'submit_started', occurredAtMs: at(minute) });
    await applyOrderEvent(db, clientOrderId, { kind: 'accepted', exchangeOrderId, occurredAtMs: at(minute) + 200 });
    return { clientOrderId, exchangeOrderId };
  };
  const filled = async (
    o: { clientOrderId: string; exchangeOrderId: string },
    price: string,
    feeUsd: string,
    atMs: number,
  ) => {
    await applyOrderEvent(db, o.clientOrderId, {
      kind: 'fill',
      exchangeOrderId: o.exchangeOrderId,
      occurredAtMs: atMs,
      fill: { fillId: `${o.exchangeOrderId}:0.02`, quantity: '0.02', price, feeUsd, filledAtMs: atMs },
    });
    await applyPendingFills(db, 'paper');
  };

  const entry = await placed('entry', 'buy', 4, { type: 'market' });
  await filled(entry, '42010.5', '0.84021', at(4) + 500);
  const stopLoss = await placed('stop_loss', 'sell', 5, { type: 'stop-loss', triggerPrice: '41000' });
  const takeProfit = await placed('take_profit', 'sell', 3 * 60, { type: 'market' });
  await filled(takeProfit, '44005', '0.8801', at(3 * 60) + 400);
  await applyOrderEvent(db, stopLoss.clientOrderId, {
    kind: 'canceled',
    exchangeOrderId: stopLoss.exchangeOrderId,
    reason: 'position closed',
    occurredAtMs: at(3 * 60) + 900,
  });

  return { ...none, proposalId, decisionId, entry, stopLoss, takeProfit };
}
