import { RULES_PROVIDER } from '../../config/sections/llm-config.ts';
import type { ModelGateway } from '../../llm/model-gateway.ts';
import type { ModelRef } from '../../llm/model-ref.ts';
import { collapseWhitespace } from './sentiment-input.ts';
import { buildSentimentPrompt } from './sentiment-prompt.ts';
import { SentimentReply } from './sentiment-reply.ts';
import type { SentimentResult } from './sentiment-result.ts';

/** Purpose of the agent's calls in `llm_calls`. */
export const SENTIMENT_PURPOSE = 'sentiment';

export interface ScoreSentimentRequest {
  /** The model layer: every call is recorded, budgeted and cached there. */
  gateway: Pick<ModelGateway, 'ask' | 'isAvailable'>;
  /** `agents.sentiment.models`, in order of preference: the next is asked when one fails. */
  models: readonly ModelRef[];
  /** Exchange pair, e.g. `BTC/USD`. */
  symbol: string;
  /** Headlines or posts, newest first; blank ones are not counted. */
  inputs: readonly { text: string }[];
  /** Fewer texts than this: abstain (`no_input`). Default 1. */
  minInputs?: number;
  correlationId?: string | null;
  /** Time for the whole request, every model and repair included. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Scores the sentiment of `inputs` for `symbol` with the first model that answers validly.
 *
 * Abstains, asking nothing, when no model can be asked (`no_model`: `rules` cannot read text,
 * and a provider that is unknown or has no API key is skipped) or when there are fewer than
 * `minInputs` texts (`no_input`); abstains with the failures' reasons when every model failed (`model_failed`).
 * The score, confidence and sample count are only ever what was measured: there is no
 * neutral fallback. Never throws for a model's failure.
 */
export async function scoreSentiment(request: ScoreSentimentRequest): Promise<SentimentResult> {
  const usable = request.models.filter(
    (ref) => ref.provider !== RULES_PROVIDER && request.gateway.isAvailable(ref.provider),
  );
  if (usable.length === 0) {
    const listed = request.models.map((ref) => `${ref.provider}/${ref.model}`).join(', ');
    const detail =
      listed === ''
        ? 'no sentiment model is configured'
        : `no sentiment model can be asked (the rules model cannot score text; unknown or without API key: ${listed})`;
    return { status: 'abstained', reason: 'no_model', detail };
  }

  const texts = request.inputs.map((input) => collapseWhitespace(input.text)).filter((text) => text !== '');
  const minInputs = Math.max(1, request.minInputs ?? 1);
  if (texts.length < minInputs) {
    const detail =
      texts.length === 0
        ? `no headline or post to score for ${request.symbol}`
        : `${texts.length} headline(s) or post(s) for ${request.symbol}, at least ${minInputs} needed`;
    return { status: 'abstained', reason: 'no_input', detail };
  }

  const answer = await request.gateway.ask({
    models: usable.map(({ provider, model }) => ({ provider, model })),
    schema: SentimentReply,
    prompt: buildSentimentPrompt(request.symbol, texts),
    purpose: SENTIMENT_PURPOSE,
    correlationId: request.correlationId,
    timeoutMs: request.timeoutMs,
    signal: request.signal,
  });
  if (!answer.ok) return { status: 'abstained', reason: 'model_failed', detail: answer.reason };

  const { score, confidence, reasoning } = answer.value;
  return {
    status: 'scored',
    payload: { score, confidence, sampleCount: texts.length, model: `${answer.provider}/${answer.model}` },
    reasoning,
  };
}
