import { performance } from 'node:perf_hooks';
import type { CoordinatorConfig } from '../config/sections/coordinator-config.ts';
import { RULES_PROVIDER, type LlmConfig } from '../config/sections/llm-config.ts';
import type { ModelAnswer, ModelGateway } from '../llm/model-gateway.ts';
import type { ModelRef } from '../llm/model-ref.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError } from '../shared/triplegain-error.ts';
import type { AgentView } from './agent-view.ts';
import { Conflict } from './conflict.ts';
import { freshOutputs } from './fresh-outputs.ts';
import { resolveByRules } from './resolve-by-rules.ts';
import {
  allowedActions,
  boundResolution,
  fallbackWait,
  PositivePrice,
  ResolverReply,
  type Resolution,
  type ResolutionBounds,
} from './resolution.ts';
import { buildResolverPrompt } from './resolver-prompt.ts';
import { SignalUnderReview } from './signal-under-review.ts';

/** Purpose of the resolver's calls in `llm_calls`. */
export const CONFLICT_RESOLUTION_PURPOSE = 'conflict_resolution';

export interface ResolveConflictRequest {
  /** The model layer: every call is recorded, budgeted and falls back there. */
  gateway: Pick<ModelGateway, 'ask' | 'isAvailable' | 'recordBuiltInCall'>;
  config: {
    /** `coordinator`: the resolver's models and budget, the entry bound, the freshness windows. */
    coordinator: Pick<CoordinatorConfig, 'resolver' | 'freshnessMs'>;
    /** `llm`: the model id of each provider. */
    llm: Pick<LlmConfig, 'providers'>;
    /** `risk.maxLeverage`. */
    maxLeverage: number;
  };
  signal: SignalUnderReview;
  /** From `detectConflicts` for this signal and view. */
  conflicts: readonly Conflict[];
  /** The agents' outputs for the signal's symbol; stale ones and another symbol's are not shown to the model. */
  view: AgentView;
  /** The symbol's current price, a positive decimal string (anything else: `wait`). */
  marketPrice: string;
  /** Now, epoch ms (the coordinator's clock), for the freshness of `view`. */
  nowMs: number;
  correlationId: string;
  /** Aborts the resolution: the answer is then `wait`. */
  abortSignal?: AbortSignal;
  /** Told when the rules resolver's call cannot be recorded. */
  logger?: Logger;
}

/**
 * Decides what to do with a conflicted signal, among the actions code allows
 * (`allowedActions`). Never throws for a model's failure; the result is always bounded
 * (`boundResolution`).
 *
 * 1. When code allows one action only or there is no conflict (HOLD, a conflict-free signal),
 *    that answer is given by the rules (`resolveByRules`) and no model is asked.
 * 2. The models are `coordinator.resolver.primary` then `.fallback`, each with the model id of
 *    its `llm.providers` entry; a provider that cannot be called (unknown, no API key) is
 *    skipped. When none is left (or the primary is `rules`), the deterministic `rules`
 *    resolver answers (recorded in `llm_calls` as provider `rules`).
 * 3. Otherwise the gateway asks them in order (one repair of an invalid reply each, then the
 *    next) within ONE deadline of `coordinator.resolver.budgetMs` for all of them: the
 *    fallback gets what the primary left, not a budget of its own. Past the deadline the
 *    answer is `wait` even if a call is still finishing.
 * 4. No valid answer from any of them (timeouts, HTTP errors, invalid replies after the
 *    repair), or an action not allowed → `wait` with source `fallback_wait`. A model failure
 *    never falls back to the rules: failure means wait.
 *
 * A `marketPrice` that is not a positive decimal string (no candle yet, `'0'`) means nothing
 * can be bounded: `wait` (`fallback_wait`) before anything is asked.
 *
 * @throws ZodError when `signal`, `conflicts` or `view` is malformed (a caller's bug).
 */
export async function resolveConflict(request: ResolveConflictRequest): Promise<Resolution> {
  const signal = SignalUnderReview.parse(request.signal);
  const conflicts = Conflict.array().parse(request.conflicts);
  const { coordinator, llm, maxLeverage } = request.config;
  const { resolver } = coordinator;
  const allowed = allowedActions(signal, conflicts);
  const bounds: ResolutionBounds = {
    allowed,
    maxLeverage,
    maxEntryDistancePct: resolver.maxEntryDistancePct,
    marketPrice: request.marketPrice,
  };
  const outputs = freshOutputs(request.view, signal.symbol, coordinator.freshnessMs, request.nowMs);

  if (!PositivePrice.safeParse(request.marketPrice).success) {
    // Nothing can be bounded without a price: asking a model would only spend the budget.
    return fallbackWait(`no usable market price for ${signal.symbol} (${JSON.stringify(request.marketPrice)})`);
  }
  if (allowed.length === 1 || conflicts.length === 0) return resolveByRules(signal, conflicts, bounds);

  const models = resolverModels(resolver, llm, request.gateway);
  if (models.length === 0) {
    const startedMs = performance.now();
    const resolution = resolveByRules(signal, conflicts, bounds);
    await recordRulesCall(request, Math.round(performance.now() - startedMs));
    return resolution;
  }

  const deadline = request.abortSignal
    ? AbortSignal.any([AbortSignal.timeout(resolver.budgetMs), request.abortSignal])
    : AbortSignal.timeout(resolver.budgetMs);
  const prompt = buildResolverPrompt({
    signal,
    conflicts,
    outputs,
    allowed,
    marketPrice: request.marketPrice,
    leverageCap: Math.max(1, Math.min(signal.leverage, maxLeverage)),
    maxEntryDistancePct: resolver.maxEntryDistancePct,
  });
  const asked = request.gateway.ask({
    models,
    schema: ResolverReply,
    prompt,
    purpose: CONFLICT_RESOLUTION_PURPOSE,
    correlationId: request.correlationId,
    timeoutMs: resolver.budgetMs,
    signal: deadline,
  });

  let answer: ModelAnswer<ResolverReply> | 'deadline';
  try {
    answer = await untilAborted(asked, deadline);
  } catch (err) {
    return fallbackWait(`the resolver models could not be asked: ${describeError(err)}`);
  }
  if (answer === 'deadline') {
    const why = request.abortSignal?.aborted
      ? 'the resolution was aborted'
      : `no resolver answered within the ${resolver.budgetMs} ms budget`;
    return fallbackWait(why);
  }
  if (!answer.ok) return fallbackWait(`no resolver model answered: ${answer.reason}`);
  return boundResolution(answer.value, signal, bounds, `${answer.provider}/${answer.model}`);
}

/** Primary then fallback, without `rules`, duplicates, or providers that cannot be called. */
function resolverModels(
  resolver: CoordinatorConfig['resolver'],
  llm: Pick<LlmConfig, 'providers'>,
  gateway: Pick<ModelGateway, 'isAvailable'>,
): ModelRef[] {
  if (resolver.primary === RULES_PROVIDER) return [];
  const names = [resolver.primary, resolver.fallback].filter(
    (name, i, all): name is string => name !== null && name !== RULES_PROVIDER && all.indexOf(name) === i,
  );
  const models: ModelRef[] = [];
  for (const name of names) {
    const provider = llm.providers[name];
    if (provider !== undefined && gateway.isAvailable(name)) models.push({ provider: name, model: provider.model });
  }
  return models;
}

/**
 * `work`'s result, or `'deadline'` as soon as `deadline` aborts (the gateway stops its calls
 * on the same signal; what it still records after that is not waited for).
 */
function untilAborted<T>(work: Promise<T>, deadline: AbortSignal): Promise<T | 'deadline'> {
  if (deadline.aborted) {
    work.catch(() => undefined);
    return Promise.resolve('deadline');
  }
  return new Promise<T | 'deadline'>((resolve, reject) => {
    const onAbort = () => resolve('deadline');
    deadline.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        deadline.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        deadline.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

async function recordRulesCall(request: ResolveConflictRequest, latencyMs: number): Promise<void> {
  try {
    await request.gateway.recordBuiltInCall({
      purpose: CONFLICT_RESOLUTION_PURPOSE,
      correlationId: request.correlationId,
      outcome: 'ok',
      latencyMs,
    });
  } catch (err) {
    // The resolution does not depend on the record; a database outage is reported by whoever needs it.
    request.logger?.warn(
      { correlationId: request.correlationId, err: describeError(err) },
      'rules resolver call not recorded',
    );
  }
}
