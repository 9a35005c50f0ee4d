import { z } from 'zod';
import { durationMs, httpUrl, pct, secret } from '../config-fields.ts';

/** Settings every provider kind has. */
const providerBase = {
  /** API key, from the environment through `${VAR}`; empty means the provider is unavailable. */
  apiKey: secret(),
  /** Model id used when a model reference does not name one (e.g. by the resolver). */
  model: z.string().min(1),
  /** Price of a million input tokens, USD, for the cost record and the daily budget. */
  inputUsdPerMTok: z.number().min(0).max(1_000).default(0),
  /** Price of a million output tokens, USD. */
  outputUsdPerMTok: z.number().min(0).max(1_000).default(0),
  /** Maximum tokens of one reply. */
  maxTokens: z.number().int().min(16).max(200_000).default(1_024),
  /** Timeout of one call. */
  timeoutMs: durationMs(1_000, 600_000).default(30_000),
  /** Retries of a failed call (network, 5xx, 429) before the model abstains. */
  maxRetries: z.number().int().min(0).max(5).default(1),
};

/** Any OpenAI-compatible endpoint: DeepSeek, OpenAI, Ollama, vLLM… */
export const OpenAiCompatibleProviderConfig = z
  .object({
    kind: z.literal('openai-compatible'),
    /** API base URL, e.g. `https://api.deepseek.com`. */
    baseUrl: httpUrl(),
    /**
     * Ask for a JSON object (`response_format: json_object`) with the schema in the prompt;
     * DeepSeek rejects schema-constrained output, so this is the portable choice.
     */
    jsonMode: z.boolean().default(true),
    /**
     * Which parameters the endpoint accepts beyond the common ones (see `chatCompletionParams`):
     * `openai` (OpenAI's own API: `max_completion_tokens`, no `temperature` for reasoning
     * models), `deepseek` (`max_tokens`, thinking mode off) or `generic` (`max_tokens` and
     * `temperature: 0`, what Ollama, vLLM and most compatible servers take).
     */
    dialect: z.enum(['openai', 'deepseek', 'generic']).default('generic'),
    ...providerBase,
  })
  .strict();
export type OpenAiCompatibleProviderConfig = z.infer<typeof OpenAiCompatibleProviderConfig>;

/** Anthropic's Messages API. */
export const AnthropicProviderConfig = z
  .object({
    kind: z.literal('anthropic'),
    /** Override of the API URL (tests point it at a local server). */
    baseUrl: httpUrl().optional(),
    ...providerBase,
  })
  .strict();
export type AnthropicProviderConfig = z.infer<typeof AnthropicProviderConfig>;

export const LlmProviderConfig = z.discriminatedUnion('kind', [
  OpenAiCompatibleProviderConfig,
  AnthropicProviderConfig,
]);
export type LlmProviderConfig = z.infer<typeof LlmProviderConfig>;

/** The name of the deterministic built-in model, always available, needing no provider entry. */
export const RULES_PROVIDER = 'rules';

const providerName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, 'expected a lowercase provider name such as deepseek')
  .refine((name) => name !== RULES_PROVIDER, `"${RULES_PROVIDER}" is the built-in model and cannot be redefined`);

/** The `llm` section: model providers, prices and the spending budget. */
export const LlmConfig = z
  .object({
    /** Providers by name; model references (`agents.*`, `coordinator.resolver`) use these names. */
    providers: z.record(providerName, LlmProviderConfig).default({
      deepseek: {
        kind: 'openai-compatible',
        baseUrl: 'https://api.deepseek.com',
        apiKey: '',
        model: 'deepseek-flash',
        jsonMode: true,
        dialect: 'deepseek',
        inputUsdPerMTok: 0.3,
        outputUsdPerMTok: 1.2,
        maxTokens: 1_024,
        timeoutMs: 30_000,
        maxRetries: 1,
      },
      anthropic: {
        kind: 'anthropic',
        apiKey: '',
        model: 'claude-sonnet-5-5',
        inputUsdPerMTok: 2,
        outputUsdPerMTok: 10,
        // Adaptive thinking is on by default and its tokens count against the limit.
        maxTokens: 4_096,
        timeoutMs: 30_000,
        maxRetries: 1,
      },
      openai: {
        kind: 'openai-compatible',
        baseUrl: 'https://api.openai.com/v1',
        apiKey: '',
        model: 'gpt-6-luna',
        jsonMode: true,
        dialect: 'openai',
        inputUsdPerMTok: 0.1,
        outputUsdPerMTok: 0.5,
        // Reasoning tokens count against the limit.
        maxTokens: 4_096,
        timeoutMs: 30_000,
        maxRetries: 1,
      },
      ollama: {
        kind: 'openai-compatible',
        baseUrl: 'http://127.0.0.1:11434/v1',
        apiKey: '',
        model: 'llama3.1:8b',
        jsonMode: true,
        dialect: 'generic',
        inputUsdPerMTok: 0,
        outputUsdPerMTok: 0,
        maxTokens: 1_024,
        timeoutMs: 120_000,
        maxRetries: 0,
      },
    }),
    /**
     * Spending limit per UTC day across all providers, USD (an estimate from token prices, so a
     * number, not a ledger amount). When spent the system degrades (`degradation.budgetSpentLevel`).
     */
    dailyBudgetUsd: z.number().min(0).max(100_000).default(5),
    replyCache: z
      .object({
        /**
         * Cache model replies by prompt when `marketData.source` is `replay`, so a replayed run
         * is deterministic and costs nothing the second time. Live prompts are never cached.
         */
        enabled: z.boolean().default(true),
        /** Cached replies older than this are asked again. */
        maxAgeMs: durationMs(60_000, 365 * 86_400_000).default(30 * 86_400_000),
      })
      .strict()
      .prefault({}),
    /** The deterministic built-in `rules` model (a trend/regime strategy, see `src/llm/rules-model.ts`). */
    rules: z
      .object({
        /** Stop-loss distance from the entry, in ATR(14) multiples. */
        stopLossAtr: z.number().min(0.1).max(20).default(2),
        /** Take-profit distance from the entry, in ATR(14) multiples. */
        takeProfitAtr: z.number().min(0.1).max(50).default(3),
        /** Position size at full confidence, % of equity; scaled down by the confidence. */
        maxSizePct: pct(0, 100).default(10),
        /** RSI(14) at or above which a long entry is not taken (overbought). */
        rsiOverbought: z.number().min(50).max(100).default(70),
        /** RSI(14) at or below which a short entry is not taken (oversold). */
        rsiOversold: z.number().min(0).max(50).default(30),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type LlmConfig = z.infer<typeof LlmConfig>;
