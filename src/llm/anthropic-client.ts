import Anthropic, { APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { AnthropicProviderConfig } from '../config/sections/llm-config.ts';
import { modelCallErrorFrom, type ModelClient, type ModelReply, type ModelRequest } from './model-client.ts';

/**
 * Anthropic's Messages API through `@anthropic-ai/sdk`. There is no JSON mode: the schema is in
 * the system prompt and the reply is validated like any other. (This SDK version has no
 * `temperature` parameter: current Claude models choose their own sampling.)
 */
export class AnthropicClient implements ModelClient {
  private readonly client: Anthropic;

  constructor(private readonly config: AnthropicProviderConfig) {
    this.client = new Anthropic({
      apiKey: config.apiKey,
      // The key from config only, never ANTHROPIC_AUTH_TOKEN or a profile from the environment.
      authToken: null,
      ...(config.baseUrl ? { baseURL: config.baseUrl } : {}),
      // Never the SDK's 10-minute default: the provider's timeout and retries from config.
      timeout: config.timeoutMs,
      maxRetries: config.maxRetries,
      // Failures are recorded and logged by the gateway, redacted; the SDK stays quiet.
      logLevel: 'off',
    });
  }

  async complete(request: ModelRequest): Promise<ModelReply> {
    try {
      const message = await this.client.messages.create(
        {
          model: request.model,
          system: request.system,
          messages: request.messages,
          max_tokens: this.config.maxTokens,
        },
        { timeout: request.timeoutMs, signal: request.signal },
      );
      const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
      return {
        text,
        inputTokens: message.usage.input_tokens,
        outputTokens: message.usage.output_tokens,
        truncated: message.stop_reason === 'max_tokens',
      };
    } catch (err) {
      throw modelCallErrorFrom(err, {
        timedOut: err instanceof APIConnectionTimeoutError || err instanceof APIUserAbortError || request.signal.aborted,
        status: err instanceof APIError && typeof err.status === 'number' ? err.status : undefined,
      });
    }
  }
}
