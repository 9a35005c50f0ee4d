import type { OpenAiCompatibleProviderConfig } from '../config/sections/llm-config.ts';
import { assertNever } from '../shared/triplegain-error.ts';

/** The request fields that differ between OpenAI-compatible endpoints. */
export interface ChatCompletionParams {
  /** Every endpoint but OpenAI's own: the reply's token limit. */
  max_tokens?: number;
  /** OpenAI: the reply's token limit, reasoning tokens included (`max_tokens` is refused by reasoning models). */
  max_completion_tokens?: number;
  /** Sent only where the model accepts it. */
  temperature?: number;
  /** DeepSeek only: its thinking mode, on by default. */
  thinking?: { type: 'enabled' | 'disabled' };
}

/**
 * OpenAI's reasoning models: the GPT-5 and later families and the o-series. They refuse any
 * `temperature` but the default 1 (HTTP 400 `unsupported_value`), and `max_tokens`.
 */
const OPENAI_REASONING_MODEL = /^(gpt-[5-9]|gpt-\d{2,}|o\d)/;

/** Whether OpenAI's `model` is a reasoning model, which takes no `temperature`. */
export function isOpenAiReasoningModel(model: string): boolean {
  return OPENAI_REASONING_MODEL.test(model);
}

/**
 * The token limit and sampling fields of a chat-completions request, by the provider's
 * `dialect`:
 *
 * - `openai`: `max_completion_tokens` (OpenAI deprecated `max_tokens`, and reasoning models
 *   refuse it); `temperature: 0` only for models that take it, none for reasoning models.
 * - `deepseek`: `max_tokens` and thinking mode off, the behaviour of the retired
 *   `deepseek-chat` (thinking mode ignores `temperature` and spends the token limit on its chain
 *   of thought); `temperature: 0`, which non-thinking mode takes.
 * - `generic` (Ollama, vLLM…): `max_tokens` and `temperature: 0`, the fields they document.
 *
 * Temperature 0 where accepted, so that a model answers the same context the same way as far as
 * it can.
 */
export function chatCompletionParams(
  config: Pick<OpenAiCompatibleProviderConfig, 'dialect'>,
  model: string,
  maxTokens: number,
): ChatCompletionParams {
  switch (config.dialect) {
    case 'openai':
      return isOpenAiReasoningModel(model)
        ? { max_completion_tokens: maxTokens }
        : { max_completion_tokens: maxTokens, temperature: 0 };
    case 'deepseek':
      return { max_tokens: maxTokens, temperature: 0, thinking: { type: 'disabled' } };
    case 'generic':
      return { max_tokens: maxTokens, temperature: 0 };
    default:
      return assertNever(config.dialect, 'dialect');
  }
}
