import { performance } from 'node:perf_hooks';
import type { ModelGateway } from '../llm/model-gateway.ts';
import { Decimal } from '../model/decimal.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError } from '../shared/triplegain-error.ts';
import type { LoadedStrategy } from '../strategies/load-strategy.ts';
import type { StrategyInput } from '../strategies/strategy.ts';
import { whereInFile } from '../strategies/where-in-file.ts';
import { misplacedLevels, StrategyVote, type ParsedStrategyVote } from '../strategies/strategy-vote.ts';
import type { DecisionContext } from './decision-context.ts';
import type { Ballot, DecideOptions } from './model-panel.ts';
import type { RulesModelConfig } from './rules-model.ts';
import type { TradeDecision } from './trade-decision.ts';

export interface AskStrategyDeps {
  gateway: Pick<ModelGateway, 'recordBuiltInCall'>;
  logger: Logger;
  /** `llm.rules`: `maxSizePct` sizes an entry whose vote gives no `sizePct`. */
  rules: Pick<RulesModelConfig, 'maxSizePct'>;
  /** `agents.decision.perModelTimeoutMs`, wall time: a strategy answering later abstains. */
  timeoutMs: number;
  /** `llm_calls.purpose` of the record. */
  purpose: string;
}

/**
 * Asks one strategy of the panel for its vote on a context and its facts, within `timeoutMs`
 * of wall time (and until `decide.signal` aborts). The vote is parsed as `StrategyVote` and
 * its levels checked against the entry price; a throw, a late answer or an invalid vote
 * ABSTAINS with the reason, as a failing model does, so nothing is traded on it. Every call is
 * recorded in `llm_calls` (provider `strategy`).
 *
 * A strategy runs in this process: a timeout stops waiting for it, not its code. One that
 * never returns from a synchronous loop blocks the worker; that is the author's to avoid.
 */
export async function askStrategy(
  strategy: LoadedStrategy,
  context: DecisionContext,
  decide: DecideOptions,
  deps: AskStrategyDeps,
): Promise<Ballot> {
  const { model } = strategy;
  const startedMs = performance.now();
  const answer = await voteOf(strategy, context, decide, deps.timeoutMs);
  const latencyMs = Math.round(performance.now() - startedMs);
  try {
    await deps.gateway.recordBuiltInCall({
      model,
      purpose: deps.purpose,
      correlationId: decide.correlationId,
      outcome: answer.ok ? 'ok' : answer.outcome,
      latencyMs,
      ...(answer.ok ? {} : { error: answer.reason }),
    });
  } catch (err) {
    // The vote does not depend on the record; a database outage is reported by whoever needs it.
    deps.logger.warn({ err: describeError(err), model }, 'strategy call not recorded');
  }
  if (!answer.ok) return { abstention: { model, reason: answer.reason } };

  const vote = answer.vote;
  const entry = vote.action === 'BUY' || vote.action === 'SELL';
  const sizePct =
    vote.sizePct ??
    (entry
      ? new Decimal(deps.rules.maxSizePct).times(vote.confidence).toDecimalPlaces(2, Decimal.ROUND_DOWN).toNumber()
      : 0);
  const decision: TradeDecision = {
    action: vote.action,
    confidence: vote.confidence,
    entryPrice: entry ? context.price : null,
    stopLoss: entry ? (vote.stopLoss ?? null) : null,
    takeProfit: entry ? (vote.takeProfit ?? null) : null,
    sizePct,
    leverage: 1,
    reasoning: vote.reasoning?.trim() || `${model} voted ${vote.action}`,
  };
  return {
    vote: { model, action: vote.action, confidence: vote.confidence, weight: strategy.weight },
    decision,
    ...(vote.stopLoss !== undefined && vote.takeProfit !== undefined
      ? { levels: { stopLoss: vote.stopLoss, takeProfit: vote.takeProfit } }
      : {}),
  };
}

type Answer = { ok: true; vote: ParsedStrategyVote } | { ok: false; outcome: 'invalid' | 'timeout'; reason: string };

async function voteOf(
  strategy: LoadedStrategy,
  context: DecisionContext,
  decide: DecideOptions,
  timeoutMs: number,
): Promise<Answer> {
  if (decide.facts === undefined)
    return { ok: false, outcome: 'invalid', reason: 'invalid: no market facts were read for the strategy' };
  const { facts } = decide;
  const input: StrategyInput = {
    symbol: context.symbol,
    timeframe: facts.timeframe,
    // Canonical, as the bars' prices are: "61583.2", not the TA output's "61583.20000000".
    price: new Decimal(context.price).toFixed(),
    // A copy per strategy: one that changes its input cannot change another's.
    bars: structuredClone(facts.bars.slice(-strategy.lookback)),
    ta: { bias: context.ta.bias, confidence: context.ta.confidence, indicators: structuredClone(facts.indicators) },
    regime: { ...context.regime },
    ...(context.sentimentScore === undefined ? {} : { sentimentScore: context.sentimentScore }),
    position: facts.position === null ? null : { ...facts.position },
    orders: structuredClone(facts.orders),
    account: facts.account === null ? null : { ...facts.account },
    params: strategy.params,
  };

  let raw: unknown;
  let timer: NodeJS.Timeout | undefined;
  const askedMs = performance.now();
  try {
    raw = await Promise.race([
      Promise.resolve().then(() => strategy.decide(input)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StrategyTimeout(`no vote within ${timeoutMs} ms`)), timeoutMs);
        decide.signal?.addEventListener('abort', () => reject(new StrategyTimeout('the decision was aborted')), {
          once: true,
        });
      }),
    ]);
  } catch (err) {
    if (err instanceof StrategyTimeout) return { ok: false, outcome: 'timeout', reason: `timeout: ${err.message}` };
    return {
      ok: false,
      outcome: 'invalid',
      reason: `invalid: decide threw ${describeError(err)}${whereInFile(err, strategy.path, strategy.file)}`,
    };
  } finally {
    clearTimeout(timer);
  }
  // A synchronous decide holds the event loop, so the timer cannot fire before it returns:
  // its lateness is measured once it has.
  const tookMs = Math.round(performance.now() - askedMs);
  if (tookMs > timeoutMs)
    return {
      ok: false,
      outcome: 'timeout',
      reason: `timeout: answered after ${tookMs} ms, over the ${timeoutMs} ms allowed (agents.decision.perModelTimeoutMs)`,
    };

  const parsed = StrategyVote.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'vote'}: ${i.message}`);
    return { ok: false, outcome: 'invalid', reason: `invalid vote: ${issues.join('; ')}` };
  }
  const misplaced = misplacedLevels(parsed.data, input.price);
  if (misplaced !== undefined) return { ok: false, outcome: 'invalid', reason: `invalid vote: ${misplaced}` };
  return { ok: true, vote: parsed.data };
}

class StrategyTimeout extends Error {}
