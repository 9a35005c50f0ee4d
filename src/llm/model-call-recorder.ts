import type { LlmCallOutcome, NewLlmCallRow } from '../db/schema/llm-calls.ts';
import type { Logger } from '../shared/logger.ts';
import type { DailyBudget } from './daily-budget.ts';
import type { LlmCallLog } from './llm-call-log.ts';
import type { ModelRef } from './model-ref.ts';

/** Longest error text stored or logged. */
const ERROR_CHARS = 2_000;

/** What a call was for, as the request said. */
export interface CallPurpose {
  /** Stored with the call: `decision`, `sentiment`, `conflict_resolution`… */
  purpose: string;
  correlationId?: string | null;
}

/** One call as it ended. */
export interface CallRecord {
  outcome: LlmCallOutcome;
  attempt?: number;
  occurredAtMs: number;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: string;
  latencyMs?: number;
  error?: string;
}

/**
 * Stores every model call in `llm_calls` and logs it: a success at debug, a failure as a
 * warning, with its error redacted and cut to 2,000 characters. A strategy's failure repeats
 * on every bar, so it is logged at its 1st, 10th, 100th … time per strategy and outcome (each
 * call is still stored). A call that cost something has the budget checked at once, so
 * `onBudgetExhausted` hears of it now rather than at the next call.
 */
export class ModelCallRecorder {
  /** Abstentions per strategy and outcome in this process. */
  private readonly abstentions = new Map<string, number>();

  constructor(
    private readonly deps: {
      log: LlmCallLog;
      budget: DailyBudget;
      logger: Logger;
      redact: (text: string) => string;
    },
  ) {}

  async record(ref: ModelRef, request: CallPurpose, call: CallRecord): Promise<void> {
    const row: NewLlmCallRow = {
      occurredAt: new Date(call.occurredAtMs),
      provider: ref.provider,
      model: ref.model,
      purpose: request.purpose,
      correlationId: request.correlationId ?? null,
      outcome: call.outcome,
      attempt: call.attempt ?? 1,
      inputTokens: call.inputTokens ?? 0,
      outputTokens: call.outputTokens ?? 0,
      costUsd: call.costUsd ?? '0',
      latencyMs: call.latencyMs ?? 0,
      error: call.error === undefined ? null : truncate(this.deps.redact(call.error)),
    };
    await this.deps.log.record(row);
    const context = {
      provider: ref.provider,
      model: ref.model,
      purpose: request.purpose,
      correlationId: request.correlationId,
      outcome: call.outcome,
      attempt: row.attempt,
      latencyMs: row.latencyMs,
      costUsd: row.costUsd,
    };
    const { logger } = this.deps;
    if (row.error === null) logger.debug(context, 'model call recorded');
    else if (ref.provider !== 'strategy') logger.warn({ ...context, error: row.error }, 'model call failed');
    else {
      const key = `${ref.model} ${row.outcome}`;
      const times = (this.abstentions.get(key) ?? 0) + 1;
      this.abstentions.set(key, times);
      if (/^10*$/.test(String(times))) logger.warn({ ...context, error: row.error, times }, 'strategy abstained');
    }
    if (row.costUsd !== '0') await this.deps.budget.isSpent();
  }
}

function truncate(text: string): string {
  return text.length > ERROR_CHARS ? `${text.slice(0, ERROR_CHARS)}…` : text;
}
