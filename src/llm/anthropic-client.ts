import Anthropic, { APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema';
import { z } from 'zod';
import type { AnthropicProviderConfig } from '../config/sections/llm-config.ts';
import {
  modelCallErrorFrom,
  type ListedModel,
  type ModelCallError,
  type ModelClient,
  type ModelReply,
  type ModelRequest,
} from './model-client.ts';

/** Largest page of `GET /v1/models`. */
const MODELS_PAGE_LIMIT = 1_000;

/** An entry of `GET /v1/models`: its lifecycle (`active`, `deprecated`, `retired`) when the API states it. */
const ListedAnthropicModel = z.object({
  id: z.string(),
  lifecycle: z.string().nullish(),
  deprecated_at: z.string().nullish(),
});

/**
 * Anthropic's Messages API through `@anthropic-ai/sdk`. A request with a `jsonSchema` asks for
 * structured output (`output_config.format`, generally available since the beta's
 * `output_format` moved there): the reply is constrained to the schema, after the SDK's own
 * `transformJSONSchema` (what its `zodOutputFormat` helper applies) has made it one the API
 * takes, with constraints it cannot enforce (minimum, maxLength…) moved into descriptions. The
 * reply is still validated like any other. (No `temperature`: current Claude models refuse
 * sampling parameters other than their defaults.)
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
          max_tokens: request.maxTokens ?? this.config.maxTokens,
          ...(request.jsonSchema
            ? {
                output_config: {
                  format: { type: 'json_schema' as const, schema: transformJSONSchema(request.jsonSchema) },
                },
              }
            : {}),
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
      throw failure(err, request.signal);
    }
  }

  async listModels(opts: { timeoutMs: number; signal: AbortSignal }): Promise<ListedModel[]> {
    try {
      const listed: ListedModel[] = [];
      for await (const entry of this.client.models.list(
        { limit: MODELS_PAGE_LIMIT },
        { timeout: opts.timeoutMs, signal: opts.signal },
      )) {
        const model = ListedAnthropicModel.parse(entry);
        const retirement =
          model.lifecycle === 'deprecated' || model.lifecycle === 'retired'
            ? `${model.lifecycle}${model.deprecated_at ? ` since ${model.deprecated_at.slice(0, 10)}` : ''}`
            : undefined;
        listed.push(retirement ? { id: model.id, retirement } : { id: model.id });
      }
      return listed;
    } catch (err) {
      throw failure(err, opts.signal);
    }
  }
}

function failure(err: unknown, signal: AbortSignal): ModelCallError {
  return modelCallErrorFrom(err, {
    timedOut: err instanceof APIConnectionTimeoutError || err instanceof APIUserAbortError || signal.aborted,
    status: err instanceof APIError && typeof err.status === 'number' ? err.status : undefined,
  });
}
