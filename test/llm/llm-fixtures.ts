import { ManualClock } from '../../src/clock/clock.ts';
import { LlmConfig } from '../../src/config/sections/llm-config.ts';
import type { Db } from '../../src/db/open-database.ts';
import type { DecisionContext } from '../../src/panel/decision-context.ts';
import { ModelGateway, type ModelGatewayOptions } from '../../src/llm/model-gateway.ts';
import type { TradeDecision } from '../../src/panel/trade-decision.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import type { ModelServer } from '../support/model-server.ts';

/** Keys the tests give the providers; none may ever appear in a record or a log line. */
export const DEEPSEEK_KEY = 'sk-deepseek-test-0123456789abcdef';
export const ANTHROPIC_KEY = 'sk-ant-test-fedcba9876543210';
export const OPENAI_KEY = 'sk-openai-test-00aa11bb22cc';

/** The `llm` section with three providers pointed at the test server (timeouts 1 s, no retries). */
export function llmConfigFor(
  server: ModelServer,
  overrides: { dailyBudgetUsd?: number; maxRetries?: number; timeoutMs?: number } = {},
): LlmConfig {
  const common = { maxTokens: 1_024, timeoutMs: overrides.timeoutMs ?? 1_000, maxRetries: overrides.maxRetries ?? 0 };
  return LlmConfig.parse({
    providers: {
      deepseek: {
        kind: 'openai-compatible',
        baseUrl: server.openAiUrl,
        apiKey: DEEPSEEK_KEY,
        model: 'deepseek-chat',
        jsonMode: true,
        inputUsdPerMTok: 0.28,
        outputUsdPerMTok: 0.42,
        ...common,
      },
      anthropic: {
        kind: 'anthropic',
        baseUrl: server.url,
        apiKey: ANTHROPIC_KEY,
        model: 'claude-sonnet-4-6',
        inputUsdPerMTok: 3,
        outputUsdPerMTok: 15,
        ...common,
        maxTokens: 2_048,
      },
      openai: {
        kind: 'openai-compatible',
        baseUrl: server.openAiUrl,
        apiKey: OPENAI_KEY,
        model: 'gpt-4o-mini',
        jsonMode: true,
        inputUsdPerMTok: 0.15,
        outputUsdPerMTok: 0.6,
        ...common,
      },
      local: {
        kind: 'openai-compatible',
        baseUrl: server.openAiUrl,
        apiKey: '',
        model: 'llama3.1:8b',
        jsonMode: true,
        inputUsdPerMTok: 0,
        outputUsdPerMTok: 0,
        ...common,
      },
    },
    dailyBudgetUsd: overrides.dailyBudgetUsd ?? 5,
  });
}

const DAY_MS = 86_400_000;
let days = 0;

/**
 * A clock at noon of a UTC day no other test in this process uses, so that each test's
 * spending is alone in its budget day.
 */
export function clockOnFreshDay(): ManualClock {
  days += 1;
  return new ManualClock(Date.UTC(2030, 0, 1) + days * DAY_MS + DAY_MS / 2);
}

export function createGateway(db: Db, config: LlmConfig, overrides: Partial<ModelGatewayOptions> = {}): ModelGateway {
  return new ModelGateway({ db, clock: clockOnFreshDay(), logger: silentLogger, config, replay: false, ...overrides });
}

/** A decision that passes the real schema. */
export function aDecision(overrides: Partial<TradeDecision> = {}): TradeDecision {
  return {
    action: 'BUY',
    confidence: 0.7,
    entryPrice: '68600.5',
    stopLoss: '66900',
    takeProfit: '71151.25',
    sizePct: 5,
    leverage: 2,
    reasoning: 'uptrend confirmed by TA and regime',
    ...overrides,
  };
}

/** A bull-trend context that passes the real schema. */
export function aContext(overrides: Partial<DecisionContext> = {}): DecisionContext {
  return {
    symbol: 'BTC/USD',
    price: '68600.5',
    ta: { bias: 'long', confidence: 0.7, rsi: 58, atr: '850.25', ema21: '68000', ema50: '66500' },
    regime: { regime: 'trending_bull', confidence: 0.8 },
    ...overrides,
  };
}
