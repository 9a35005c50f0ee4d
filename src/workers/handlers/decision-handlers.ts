import type { FlowProducer, Queue } from 'bullmq';
import { flowInputAgents } from '../../agents/flow-input-agents.ts';
import type { AnyAgentDefinition } from '../../agents/kit/agent-definition.ts';
import { RegimeOutput } from '../../agents/regime/regime-output.ts';
import { SentimentOutput } from '../../agents/sentiment/sentiment-output.ts';
import { TaOutput } from '../../agents/ta/ta-output.ts';
import { toDecisionContext } from '../../panel/decision-context.ts';
import { toTradingSignalPayload } from '../../panel/panel-decision.ts';
import { addDecisionFlow, decisionJobId } from '../../queues/add-decision-flow.ts';
import type { JobHandlers } from '../../queues/define-queue.ts';
import { claimFlowSlot } from '../../queues/flow-slot.ts';
import { decisionQueue, type DecideData, type DecideResult } from '../../queues/queue-catalog.ts';
import { symbolSlug } from '../../market/symbol-slug.ts';
import { tickIdOf } from '../../queues/tick-id.ts';
import { signalIdOf } from '../../signals/signal-id.ts';
import { loadStrategyFacts } from '../../strategies/load-strategy-facts.ts';
import { reportModelOutcomes } from './report-model-outcomes.ts';
import {
  loadTradingSignal,
  markSignalPublished,
  saveTradingSignal,
  toPanelDecision,
} from '../../signals/trading-signal-store.ts';
import type { JobContext } from '../../queues/define-queue.ts';
import { LEASE_MARGIN_MS } from '../lease-margin.ts';
import { readFlowInputs, type FlowInputs } from '../read-flow-inputs.ts';
import { recordScheduleSkip } from '../record-schedule-skip.ts';
import type { TaskDeps } from '../task-deps.ts';

/**
 * The decision task. A tick adds one flow per symbol (see `addDecisionFlow`), unless that
 * symbol's previous flow is still going: then the symbol is skipped and counted. The flow's
 * inputs are the runs of `agents` (see `flowInputAgents`): at REDUCED or worse, the optional
 * ones (sentiment) are left out of new flows. `decide` reads its children's results, asks
 * the panel (only its first model below NORMAL), stores the signal once per bar, then
 * publishes `decision.signal_emitted`.
 */
export function decisionHandlers(
  deps: TaskDeps,
  queue: Queue,
  flows: FlowProducer,
  agents: readonly AnyAgentDefinition[],
): JobHandlers<typeof decisionQueue> {
  // Bounds a slot whose flow is stuck: a whole flow, children and decision, within two timeouts.
  const slotTtlMs = 2 * decisionQueue.timeoutMs(deps.config) + LEASE_MARGIN_MS;
  return {
    async tick(_data, ctx) {
      const tickId = tickIdOf(ctx.job);
      const level = await deps.degradation.level();
      const inputs = flowInputAgents(agents, deps.config, level === 'NORMAL');
      const outcomes = await Promise.all(
        deps.config.symbols.pairs.map(async (symbol) => {
          const parentJobId = decisionJobId(symbol, tickId);
          const holder = await claimFlowSlot(deps.redis, queue, {
            key: deps.keys.flowSlot('decision', symbolSlug(symbol)),
            parentJobId,
            ttlMs: slotTtlMs,
          });
          if (holder !== null) {
            await recordScheduleSkip(deps, { task: 'decision', symbol, tickId });
            return { symbol, skipped: true };
          }
          await addDecisionFlow(flows, { symbol, tickId, inputs });
          return { symbol, skipped: false };
        }),
      );
      const skipped = outcomes.filter((o) => o.skipped).map((o) => o.symbol);
      return { enqueued: outcomes.length - skipped.length, skipped };
    },
    decide: (data, ctx) => decide(deps, data, ctx, agents),
  };
}

async function decide(
  deps: TaskDeps,
  data: DecideData,
  ctx: JobContext,
  agents: readonly AnyAgentDefinition[],
): Promise<DecideResult> {
  const inputs = panelInputs(await readFlowInputs(ctx.job, agents));
  const level = await deps.degradation.level();
  const timeframe = inputs.ta.timeframe;
  const signalId = signalIdOf(data.symbol, timeframe, inputs.ta.candleOpenTimeMs);

  // One decision per symbol and bar: a retried or repeated decision on a decided bar asks no
  // model and stands by the stored signal.
  let row = await loadTradingSignal(deps.db, signalId);
  let inserted = false;
  if (row === null) {
    const context = toDecisionContext({
      symbol: data.symbol,
      ta: inputs.ta,
      regime: inputs.regime,
      sentiment: inputs.sentiment,
    });
    const lookback = deps.panel.strategyLookback;
    const facts =
      lookback === 0
        ? undefined
        : await loadStrategyFacts(deps.db, {
            account: deps.config.execution.exchange,
            cashAsset: deps.config.symbols.cashAsset,
            symbol: data.symbol,
            timeframe: deps.config.marketData.timeframe,
            lookback,
            barOpenTimeMs: inputs.ta.candleOpenTimeMs,
            indicators: inputs.ta.indicators,
          });
    const decision = await deps.panel.decide(context, {
      correlationId: data.correlationId,
      signal: ctx.signal,
      primaryOnly: level !== 'NORMAL',
      ...(facts === undefined ? {} : { facts }),
    });
    await reportModelOutcomes(deps.degradation, decision);
    ({ inserted, row } = await saveTradingSignal(deps.db, {
      signalId,
      symbol: data.symbol,
      timeframe,
      candleOpenTimeMs: inputs.ta.candleOpenTimeMs,
      decision,
      withSentiment: inputs.sentiment !== undefined,
      degradationLevel: level,
      correlationId: data.correlationId,
    }));
  }
  // The first decision on a bar is the signal; publish it unless that already happened.
  const stored = toPanelDecision(row);
  if (row.publishedAt === null) {
    await deps.bus.publish('decision.signal_emitted', toTradingSignalPayload(stored, signalId), {
      symbol: data.symbol,
      source: 'decision',
      correlationId: row.correlationId,
    });
    await markSignalPublished(deps.db, signalId, new Date());
  }
  return {
    signalId,
    action: stored.action,
    confidence: stored.confidence,
    candleOpenTimeMs: inputs.ta.candleOpenTimeMs,
    votes: stored.votes.length,
    abstentions: stored.abstentions.length,
    withSentiment: row.withSentiment,
    inserted,
  };
}

/** What the panel reads of a flow's inputs: TA and regime (required agents), sentiment when it emitted. */
function panelInputs(inputs: FlowInputs) {
  return {
    ta: TaOutput.parse(inputs.ta),
    regime: RegimeOutput.parse(inputs.regime),
    sentiment: inputs.sentiment === undefined ? undefined : SentimentOutput.parse(inputs.sentiment),
  };
}
