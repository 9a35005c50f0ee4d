import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { z } from 'zod';
import type { OpenAiCompatibleProviderConfig } from '../config/sections/llm-config.ts';
import { chatCompletionParams } from './chat-completion-params.ts';
import {
  modelCallErrorFrom,
  type ListedModel,
  type ModelCallError,
  type ModelClient,
  type ModelReply,
  type ModelRequest,
} from './model-client.ts';

/** Stands in for the key of a local server that needs none; the SDK refuses an empty key. */
const NO_KEY = 'none';

/**
 * An entry of `GET /models`. OpenAI adds `shutdown_date` (YYYY-MM-DD, or null when none is
 * announced) to the SDK's `Model`; other endpoints leave it out.
 */
const ListedOpenAiModel = z.object({ id: z.string(), shutdown_date: z.string().nullish() });

/**
 * Any OpenAI-compatible chat-completions endpoint (DeepSeek, OpenAI, Ollama, vLLM) through
 * the `openai` SDK. With `jsonMode` the request asks for `response_format: json_object` and
 * relies on the schema written in the prompt: DeepSeek refuses schema-constrained output. The
 * token limit and sampling fields follow the provider's `dialect` (`chatCompletionParams`).
 */
export class OpenAiCompatibleClient implements ModelClient {
  private readonly client: OpenAI;

  constructor(private readonly config: OpenAiCompatibleProviderConfig) {
    this.client = new OpenAI({
      apiKey: config.apiKey || NO_KEY,
      baseURL: config.baseUrl,
      // Never the SDK's 10-minute default: the provider's timeout and retries from config.
      timeout: config.timeoutMs,
      maxRetries: config.maxRetries,
      // Not from OPENAI_ORG_ID / OPENAI_PROJECT_ID: those belong to OpenAI, not to every endpoint.
      organization: null,
      project: null,
      // Failures are recorded and logged by the gateway, redacted; the SDK stays quiet.
      logLevel: 'off',
    });
  }

  async complete(request: ModelRequest): Promise<ModelReply> {
    try {
      const completion = await this.client.chat.completions.create(
        {
          model: request.model,
          messages: [{ role: 'system', content: request.system }, ...request.messages],
          ...chatCompletionParams(this.config, request.model, request.maxTokens ?? this.config.maxTokens),
          ...(this.config.jsonMode ? { response_format: { type: 'json_object' as const } } : {}),
        },
        { timeout: request.timeoutMs, signal: request.signal },
      );
      const choice = completion.choices[0];
      return {
        text: choice?.message.content ?? '',
        inputTokens: completion.usage?.prompt_tokens ?? 0,
        outputTokens: completion.usage?.completion_tokens ?? 0,
        truncated: choice?.finish_reason === 'length',
      };
    } catch (err) {
      throw failure(err, request.signal);
    }
  }

  async listModels(opts: { timeoutMs: number; signal: AbortSignal }): Promise<ListedModel[]> {
    try {
      const listed: ListedModel[] = [];
      for await (const entry of this.client.models.list({ timeout: opts.timeoutMs, signal: opts.signal })) {
        const model = ListedOpenAiModel.parse(entry);
        listed.push(
          model.shutdown_date ? { id: model.id, retirement: `shuts down ${model.shutdown_date}` } : { id: model.id },
        );
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
