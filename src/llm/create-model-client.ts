import type { LlmProviderConfig } from '../config/sections/llm-config.ts';
import { assertNever } from '../shared/triplegain-error.ts';
import { AnthropicClient } from './anthropic-client.ts';
import type { ModelClient } from './model-client.ts';
import { OpenAiCompatibleClient } from './openai-compatible-client.ts';

/** The client of a provider's wire format. */
export function createModelClient(config: LlmProviderConfig): ModelClient {
  switch (config.kind) {
    case 'openai-compatible':
      return new OpenAiCompatibleClient(config);
    case 'anthropic':
      return new AnthropicClient(config);
    default:
      return assertNever(config, 'provider kind');
  }
}

/**
 * Whether a provider can be called: it has an API key, or it is a server on this machine
 * (Ollama, vLLM), which needs none.
 */
export function hasKeyOrIsLocal(config: LlmProviderConfig): boolean {
  return config.apiKey !== '' || isLocalProvider(config);
}

/** Whether the provider is a server on this machine. */
export function isLocalProvider(config: LlmProviderConfig): boolean {
  if (config.baseUrl === undefined) return false;
  const host = new URL(config.baseUrl).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}
