import { performance } from 'node:perf_hooks';
import type { z } from 'zod';
import type { Clock } from '../clock/clock.ts';
import { RULES_PROVIDER, type LlmConfig, type LlmProviderConfig } from '../config/sections/llm-config.ts';
import type { Db } from '../db/open-database.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError } from '../shared/triplegain-error.ts';
import { createModelClient, hasKeyOrIsLocal } from './create-model-client.ts';
import { DailyBudget, type BudgetExhausted } from './daily-budget.ts';
import { LlmCallLog } from './llm-call-log.ts';
import { llmCostUsd } from './llm-cost.ts';
import { ModelCallRecorder, type CallPurpose, type CallRecord } from './model-call-recorder.ts';
import type { ModelRef } from './model-ref.ts';
import { ModelCallError, modelCallErrorFrom, type ChatMessage, type ModelClient } from './model-client.ts';
import { parseModelReply } from './parse-model-reply.ts';
import { providerKeyRedactor } from './provider-key-redactor.ts';
import { ReplyCache } from './reply-cache.ts';
import { repairRequest, replyJsonSchema, withSchemaInstructions } from './reply-json-schema.ts';

/** What to ask. The gateway appends the reply's JSON schema to `system`. */
export interface ModelPrompt {
  system: string;
  user: string;
}

export interface AskModelsRequest<T> extends CallPurpose {
  /** In order of preference: the next one is asked when one fails. */
  models: readonly ModelRef[];
  /** The reply must match it; its JSON schema goes into the prompt. */
  schema: z.ZodType<T>;
  prompt: ModelPrompt;
  /** Time for the whole request, every model and repair included. Default: no limit beyond the providers' timeouts. */
  timeoutMs?: number;
  /** Aborts the request (the models not yet answered fail as `timeout`). */
  signal?: AbortSignal;
}

/** Why one model gave no answer. */
export type ModelFailureKind =
  | 'invalid'
  | 'timeout'
  | 'http_error'
  | 'rate_limited'
  | 'budget_exhausted'
  | 'unavailable'
  | 'error';

export interface ModelFailure extends ModelRef {
  kind: ModelFailureKind;
  /** Redacted, one line; starts with the kind. */
  reason: string;
}

export type ModelAnswer<T> =
  | {
      ok: true;
      value: T;
      provider: string;
      model: string;
      outcome: 'ok' | 'repaired' | 'cached';
      failures: ModelFailure[];
    }
  | { ok: false; reason: string; failures: ModelFailure[] };

export interface ModelGatewayOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** The `llm` section. */
  config: Pick<LlmConfig, 'providers' | 'dailyBudgetUsd' | 'replyCache'>;
  /** `marketData.source === 'replay'`: the reply cache is used (when `llm.replyCache.enabled`). */
  replay: boolean;
  /** Told once per UTC day that the budget is spent (the degradation module raises its level). */
  onBudgetExhausted?: (event: BudgetExhausted) => void | Promise<void>;
}

/** The request after an invalid reply: one per model. */
const MAX_ATTEMPTS = 2;

/**
 * Asks models for a JSON reply that matches a zod schema, and records every call in
 * `llm_calls`. For each model in order of preference:
 *
 * 1. a provider that is unknown, or has no API key and is not on the local host, is skipped;
 * 2. with the reply cache on (replay), a stored reply for the same provider, model and prompt
 *    answers with no HTTP call (outcome `cached`);
 * 3. a paid provider (any price above 0) is not called once the day's budget is spent
 *    (outcome `budget_exhausted`, `onBudgetExhausted` told);
 * 4. the model is asked; an invalid reply (not JSON, or failing the schema) is sent back once
 *    with the error (`invalid` then `repaired` or `invalid`); a timeout, HTTP error or 429
 *    (after the SDK's own retries) ends this model's turn;
 * 5. then the next model. When none answered, the result is `ok: false` and the caller abstains.
 *
 * Never throws for a model's failure; every stored and logged error is redacted (API keys and
 * any secret from the environment).
 */
export class ModelGateway {
  private readonly log: LlmCallLog;
  private readonly budget: DailyBudget;
  private readonly cache: ReplyCache | undefined;
  private readonly clients = new Map<string, ModelClient>();
  private readonly redact: (text: string) => string;
  private readonly recorder: ModelCallRecorder;

  constructor(private readonly opts: ModelGatewayOptions) {
    this.log = new LlmCallLog(opts.db);
    this.budget = new DailyBudget({
      log: this.log,
      clock: opts.clock,
      logger: opts.logger,
      budgetUsd: opts.config.dailyBudgetUsd,
      onBudgetExhausted: opts.onBudgetExhausted,
    });
    const { enabled, maxAgeMs } = opts.config.replyCache;
    this.cache = enabled && opts.replay ? new ReplyCache(opts.db, opts.clock, maxAgeMs) : undefined;
    this.redact = providerKeyRedactor(opts.config.providers);
    this.recorder = new ModelCallRecorder({
      log: this.log,
      budget: this.budget,
      logger: opts.logger,
      redact: this.redact,
    });
  }

  /** Whether a provider can be called: known, and with an API key unless it is a local server. */
  isAvailable(provider: string): boolean {
    const config = this.opts.config.providers[provider];
    return config !== undefined && hasKeyOrIsLocal(config);
  }

  async ask<T>(request: AskModelsRequest<T>): Promise<ModelAnswer<T>> {
    const deadlineMs =
      request.timeoutMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + request.timeoutMs;
    const failures: ModelFailure[] = [];
    for (const ref of request.models) {
      let result: Answered<T> | ModelFailure;
      try {
        result = await this.askOne(ref, request, deadlineMs);
      } catch (err) {
        // Recording or the cache failed (the database): this model gives no answer.
        result = { ...ref, kind: 'error', reason: `error: ${this.redact(describeError(err))}` };
        this.opts.logger.error(
          { ...ref, purpose: request.purpose, correlationId: request.correlationId, err: result.reason },
          'model call could not be completed',
        );
      }
      if ('value' in result) return { ok: true, ...result, failures };
      failures.push(result);
    }
    const reason =
      failures.length === 0
        ? 'no model to ask'
        : failures.map((f) => `${f.provider}/${f.model}: ${f.reason}`).join('; ');
    return { ok: false, reason, failures };
  }

  /**
   * Records a call of the built-in `rules` model or of a strategy file (no tokens, no cost),
   * so that `llm_calls` shows every voter that was asked: provider `rules` or `strategy`.
   */
  async recordBuiltInCall(call: {
    /** A strategy's `strategy:<name>`; default the `rules` model. */
    model?: string;
    purpose: string;
    correlationId?: string | null;
    outcome: 'ok' | 'invalid' | 'timeout';
    latencyMs: number;
    error?: string;
  }): Promise<void> {
    const model = call.model ?? RULES_PROVIDER;
    const ref = { provider: model === RULES_PROVIDER ? RULES_PROVIDER : 'strategy', model };
    await this.recorder.record(
      ref,
      { purpose: call.purpose, correlationId: call.correlationId },
      {
        outcome: call.outcome,
        occurredAtMs: this.opts.clock.now(),
        latencyMs: call.latencyMs,
        ...(call.error === undefined ? {} : { error: call.error }),
      },
    );
  }

  private async askOne<T>(
    ref: ModelRef,
    request: AskModelsRequest<T>,
    deadlineMs: number,
  ): Promise<Answered<T> | ModelFailure> {
    const config = this.opts.config.providers[ref.provider];
    if (config === undefined)
      return { ...ref, kind: 'unavailable', reason: `unavailable: unknown provider ${ref.provider}` };
    if (!this.isAvailable(ref.provider))
      return { ...ref, kind: 'unavailable', reason: `unavailable: provider ${ref.provider} has no API key` };

    const jsonSchema = replyJsonSchema(request.schema);
    const system = withSchemaInstructions(request.prompt.system, jsonSchema);
    let messages: ChatMessage[] = [{ role: 'user', content: request.prompt.user }];
    const record = (row: CallRecord) => this.recorder.record(ref, request, row);

    const cacheKey = this.cache ? ReplyCache.keyOf(ref.provider, ref.model, system, messages) : undefined;
    if (this.cache && cacheKey) {
      const hit = await this.cache.get(cacheKey);
      const parsed = hit ? parseModelReply(hit.reply, request.schema) : undefined;
      if (hit && parsed?.ok) {
        await record({
          outcome: 'cached',
          occurredAtMs: this.opts.clock.now(),
          inputTokens: hit.inputTokens,
          outputTokens: hit.outputTokens,
          costUsd: '0',
          latencyMs: 0,
        });
        return { ...ref, value: parsed.value, outcome: 'cached' };
      }
    }

    const paid = config.inputUsdPerMTok > 0 || config.outputUsdPerMTok > 0;
    let lastError = '';
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      if (paid && (await this.budget.isSpent())) {
        const reason = 'budget_exhausted: the daily model budget is spent';
        await record({ outcome: 'budget_exhausted', attempt, occurredAtMs: this.opts.clock.now(), error: reason });
        return { ...ref, kind: 'budget_exhausted', reason };
      }
      const remainingMs = deadlineMs - performance.now();
      if (remainingMs <= 0 || request.signal?.aborted) {
        return {
          ...ref,
          kind: 'timeout',
          reason: attempt === 1 ? 'timeout: no time left to ask' : `timeout: no time left to repair (${lastError})`,
        };
      }

      const occurredAtMs = this.opts.clock.now();
      const startedMs = performance.now();
      const signal = deadlineSignal(remainingMs, request.signal);
      let reply;
      try {
        reply = await this.client(ref.provider, config).complete({
          model: ref.model,
          system,
          messages,
          jsonSchema,
          timeoutMs: Math.min(config.timeoutMs, Math.ceil(remainingMs)),
          signal,
        });
      } catch (err) {
        const failure =
          err instanceof ModelCallError
            ? err
            : modelCallErrorFrom(err, { timedOut: signal.aborted, status: undefined });
        const reason = `${failure.failure}: ${this.redact(failure.message)}`;
        await record({
          outcome: failure.failure,
          attempt,
          occurredAtMs,
          latencyMs: elapsedMs(startedMs),
          error: reason,
        });
        return { ...ref, kind: failure.failure, reason };
      }

      const latencyMs = elapsedMs(startedMs);
      const usage = { inputTokens: reply.inputTokens, outputTokens: reply.outputTokens };
      const costUsd = llmCostUsd(usage, config);
      const parsed = parseModelReply(reply.text, request.schema, { truncated: reply.truncated });
      if (parsed.ok) {
        const outcome = attempt === 1 ? 'ok' : 'repaired';
        await record({ outcome, attempt, occurredAtMs, ...usage, costUsd, latencyMs });
        if (this.cache && cacheKey) {
          await this.cache.put({
            key: cacheKey,
            provider: ref.provider,
            model: ref.model,
            reply: reply.text,
            ...usage,
          });
        }
        return { ...ref, value: parsed.value, outcome };
      }
      lastError = this.redact(parsed.error);
      await record({
        outcome: 'invalid',
        attempt,
        occurredAtMs,
        ...usage,
        costUsd,
        latencyMs,
        error: `invalid: ${lastError}`,
      });
      messages = [
        ...messages,
        { role: 'assistant', content: reply.text },
        { role: 'user', content: repairRequest(parsed.error) },
      ];
    }
    return { ...ref, kind: 'invalid', reason: `invalid: no valid reply after one repair (${lastError})` };
  }

  private client(name: string, config: LlmProviderConfig): ModelClient {
    let client = this.clients.get(name);
    if (client === undefined) {
      client = createModelClient(config);
      this.clients.set(name, client);
    }
    return client;
  }
}

type Answered<T> = ModelRef & { value: T; outcome: 'ok' | 'repaired' | 'cached' };

/** Aborts at the request's deadline (none when it has no `timeoutMs`) or with the caller's signal. */
function deadlineSignal(remainingMs: number, outer: AbortSignal | undefined): AbortSignal {
  const signals = Number.isFinite(remainingMs) ? [AbortSignal.timeout(Math.ceil(remainingMs))] : [];
  if (outer) signals.push(outer);
  return AbortSignal.any(signals);
}

function elapsedMs(startedMs: number): number {
  return Math.max(0, Math.round(performance.now() - startedMs));
}
