import type { PayloadOf } from '../../bus/message-catalog.ts';
import type { Clock } from '../../clock/clock.ts';
import type { AgentsConfig } from '../../config/sections/agents-config.ts';
import type { Db } from '../../db/open-database.ts';
import type { ModelGateway } from '../../llm/model-gateway.ts';
import type { Logger } from '../../shared/logger.ts';
import { TriplegainError } from '../../shared/triplegain-error.ts';
import { loadAgentOutputOf, saveAgentOutputOf } from '../kit/agent-output-store.ts';
import { scoreSentiment } from './score-sentiment.ts';
import { loadSentimentInputs } from './sentiment-input-store.ts';
import { sentimentOutputs, type SentimentOutput } from './sentiment-output.ts';
import type { SentimentAbstentionReason } from './sentiment-result.ts';

export interface SentimentDeps {
  db: Db;
  /** The model layer (`createModelPanel(…).gateway`); it knows which providers have a key. */
  gateway: Pick<ModelGateway, 'ask' | 'isAvailable'>;
  /** `agents.sentiment`. */
  config: AgentsConfig['sentiment'];
  clock: Clock;
  logger: Logger;
}

/** One run: a symbol and the bar it speaks for (which keys the stored output). */
export interface SentimentRun {
  /** Exchange pair, e.g. `BTC/USD`. */
  symbol: string;
  /** `marketData.timeframe`, e.g. `1h`. */
  timeframe: string;
  /** Open time of the current bar. */
  candleOpenTimeMs: number;
  correlationId: string;
  /** The job's signal: aborting it makes the models still thinking fail, and the run abstain. */
  signal?: AbortSignal;
}

/**
 * What a run produced. `scored`: the output stored for the bar and its `sentiment.scored`
 * payload, to publish; `fresh` is false when the bar already had an output (a retried or
 * repeated run), which is returned as stored without asking a model. `abstained`: nothing was
 * stored, and nothing is to be published (never a neutral score).
 */
export type RunSentimentResult =
  | { status: 'scored'; payload: PayloadOf<'sentiment.scored'>; output: SentimentOutput; fresh: boolean }
  | { status: 'abstained'; reason: SentimentAbstentionReason; detail: string };

/**
 * The sentiment agent's work for one symbol and bar, for its worker to call and then publish
 * the payload (persist, then publish): with `agents.sentiment.enabled`, scores the newest
 * `maxItems` headlines and posts published in the last `lookbackMs` (up to the clock's now,
 * so a replay reads nothing from its future) with the first of `models` that answers within
 * `timeoutMs`, and stores the score with `saveAgentOutputOf`. An abstention is logged and stores
 * nothing.
 *
 * @throws TriplegainError `MESSAGE_INVALID` when the model's answer makes no valid output (a
 *   bug, not a model failure: the reply was already validated); database errors as they come.
 */
export async function runSentiment(deps: SentimentDeps, run: SentimentRun): Promise<RunSentimentResult> {
  const { config, logger } = deps;
  const context = {
    symbol: run.symbol,
    timeframe: run.timeframe,
    candleOpenTimeMs: run.candleOpenTimeMs,
    correlationId: run.correlationId,
  };
  if (!config.enabled) return abstain(deps, context, 'disabled', 'agents.sentiment.enabled is false');

  const bar = { timeframe: run.timeframe, candleOpenTimeMs: run.candleOpenTimeMs };
  const stored = await loadAgentOutputOf(deps.db, sentimentOutputs, run.symbol, bar);
  if (stored) {
    logger.debug({ ...context, storedBy: stored.correlationId }, 'sentiment already stored for this bar');
    return scored(stored.output, false);
  }

  const nowMs = deps.clock.now();
  const inputs = await loadSentimentInputs(deps.db, run.symbol, {
    sinceMs: nowMs - config.lookbackMs,
    untilMs: nowMs,
    limit: config.maxItems,
  });
  const result = await scoreSentiment({
    gateway: deps.gateway,
    models: config.models,
    symbol: run.symbol,
    inputs,
    minInputs: config.minItems,
    correlationId: run.correlationId,
    timeoutMs: config.timeoutMs,
    signal: run.signal,
  });
  if (result.status === 'abstained') return abstain(deps, context, result.reason, result.detail);

  const output: SentimentOutput = { ...result.payload, ...bar };
  const { inserted } = await saveAgentOutputOf(deps.db, sentimentOutputs, {
    symbol: run.symbol,
    output,
    correlationId: run.correlationId,
  });
  if (!inserted) {
    // Another run of the same bar stored first: its output is the bar's, and the one published.
    const first = await loadAgentOutputOf(deps.db, sentimentOutputs, run.symbol, bar);
    if (first === null)
      throw new TriplegainError(
        'NOT_FOUND',
        `sentiment output of ${run.symbol} ${run.timeframe} ${run.candleOpenTimeMs} vanished after a conflicting save`,
        context,
      );
    return scored(first.output, false);
  }
  logger.info({ ...context, ...result.payload, reasoning: result.reasoning }, 'sentiment scored');
  return scored(output, true);
}

function scored(output: SentimentOutput, fresh: boolean): RunSentimentResult {
  const { score, confidence, sampleCount, model } = output;
  return { status: 'scored', payload: { score, confidence, sampleCount, model }, output, fresh };
}

function abstain(
  deps: SentimentDeps,
  context: Record<string, unknown>,
  reason: SentimentAbstentionReason,
  detail: string,
): RunSentimentResult {
  // Being off is ordinary, a quiet news window worth seeing; no model or failing models need an operator.
  const level = reason === 'disabled' ? 'debug' : reason === 'no_input' ? 'info' : 'warn';
  deps.logger[level]({ ...context, reason, detail }, 'sentiment abstained');
  return { status: 'abstained', reason, detail };
}
