/**
 * A model the model stand-in knows, with what its vendor refuses. The stand-in answers a
 * request for any other id the way the vendor does: 404, model not found.
 */
export interface StandInModel {
  id: string;
  /** The wire format it is served in: OpenAI's chat completions (OpenAI, DeepSeek, Ollama) or Anthropic's messages. */
  format: 'openai' | 'anthropic';
  /**
   * An OpenAI reasoning model (GPT-5 and later, o-series): refuses `max_tokens` and any
   * `temperature` but 1.
   */
  reasoning?: boolean;
  /** Takes DeepSeek's `thinking` field; OpenAI refuses it as an unrecognized argument. */
  thinking?: boolean;
  /** A Claude model that refuses sampling parameters (`temperature`, `top_p`, `top_k`). */
  defaultSamplingOnly?: boolean;
  /** What the models endpoint says of its retirement: OpenAI's `shutdown_date`, Anthropic's `lifecycle`. */
  shutdownDate?: string;
  lifecycle?: 'active' | 'deprecated' | 'retired';
}

/**
 * The models the stand-in serves by default: the configured defaults, their predecessors that
 * the tests still name, and one the installed Anthropic SDK marks deprecated.
 */
export const STAND_IN_MODELS: readonly StandInModel[] = [
  { id: 'gpt-6-luna', format: 'openai', reasoning: true },
  { id: 'gpt-5.4-mini', format: 'openai', reasoning: true },
  { id: 'gpt-4o-mini', format: 'openai', shutdownDate: '2027-01-14' },
  { id: 'deepseek-flash', format: 'openai', thinking: true },
  { id: 'deepseek-v4-pro', format: 'openai', thinking: true },
  // Retired by DeepSeek on 2026-07-24; still served here because older tests name it.
  { id: 'deepseek-chat', format: 'openai', thinking: true },
  { id: 'llama3.1:8b', format: 'openai' },
  { id: 'claude-sonnet-5-5', format: 'anthropic', defaultSamplingOnly: true },
  { id: 'claude-sonnet-4-6', format: 'anthropic' },
  { id: 'claude-sonnet-4-5', format: 'anthropic', lifecycle: 'deprecated' },
];
