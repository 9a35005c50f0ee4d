import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { TradingSignalEmitted } from '../../src/bus/messages/trading-signal-emitted.ts';
import type { ModelRefConfig } from '../../src/config/fields/model-ref-config.ts';
import type { PanelMemberConfig } from '../../src/config/fields/panel-member-config.ts';
import { AgentsConfig } from '../../src/config/sections/agents-config.ts';
import { RegimeDetected } from '../../src/agents/regime/contract/regime-detected.ts';
import { TaSignalEmitted } from '../../src/agents/ta/contract/ta-signal-emitted.ts';
import { ManualClock } from '../../src/clock/clock.ts';
import { AppConfig } from '../../src/config/app-config.ts';
import { llmCalls } from '../../src/db/schema/index.ts';
import { createModelPanel } from '../../src/panel/create-model-panel.ts';
import { toDecisionContext } from '../../src/panel/decision-context.ts';
import { ModelPanel } from '../../src/panel/model-panel.ts';
import { toTradingSignalPayload } from '../../src/panel/panel-decision.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { aTaSignal } from '../support/builders.ts';
import { garbage, replyWith, slow } from '../support/model-server.ts';
import { useDatabaseAndModelServer } from '../support/use-database-and-model-server.ts';
import { aContext, aDecision, createGateway, llmConfigFor } from '../llm/llm-fixtures.ts';

const RULES: ModelRefConfig = { provider: 'rules', model: 'rules', weight: 1 };
const DEEPSEEK: ModelRefConfig = { provider: 'deepseek', model: 'deepseek-chat', weight: 1 };
const CLAUDE: ModelRefConfig = { provider: 'anthropic', model: 'claude-sonnet-4-6', weight: 1 };
const GPT: ModelRefConfig = { provider: 'openai', model: 'gpt-4o-mini', weight: 1 };

let correlation = 0;

describe.each(['postgres', 'pglite'] as const)('model panel on %s', (driver) => {
  const env = useDatabaseAndModelServer(driver);

  function panelOf(
    models: PanelMemberConfig[],
    overrides: { perModelTimeoutMs?: number; maxLeverage?: number } = {},
  ): ModelPanel {
    const llm = llmConfigFor(env.server, { timeoutMs: 30_000 });
    return new ModelPanel({
      gateway: createGateway(env.db.db, llm),
      logger: silentLogger,
      decision: AgentsConfig.parse({
        decision: { panel: models, perModelTimeoutMs: overrides.perModelTimeoutMs ?? 30_000 },
      }).decision,
      rules: llm.rules,
      maxLeverage: overrides.maxLeverage ?? 3,
    });
  }

  it('runs on the rules model alone by default, with no API key and no HTTP call', async () => {
    const panel = panelOf(AgentsConfig.parse({}).decision.panel);
    const correlationId = `panel-${++correlation}`;

    const decision = await panel.decide(aContext(), { correlationId });

    expect(decision).toMatchObject({
      action: 'BUY',
      confidence: 0.75,
      agreement: 1,
      entryPrice: '68600.5',
      stopLoss: '66900',
      takeProfit: '71151.25',
      sizePct: 7.5,
      leverage: 1,
      votes: [{ model: 'rules', action: 'BUY', confidence: 0.75 }],
      abstentions: [],
    });
    expect(env.server.requests).toHaveLength(0);
    const calls = await env.db.db.select().from(llmCalls).where(eq(llmCalls.correlationId, correlationId));
    expect(calls).toEqual([
      expect.objectContaining({ provider: 'rules', model: 'rules', outcome: 'ok', costUsd: '0' }),
    ]);
    // The payload of `decision.signal_emitted`, as the bus will validate it.
    expect(TradingSignalEmitted.payload.parse(toTradingSignalPayload(decision, 'sig-1'))).toMatchObject({
      signalId: 'sig-1',
      action: 'BUY',
    });
  });

  it('lets a late model and a garbage-answering model abstain, never counting them as HOLD', async () => {
    env.server.script('deepseek-chat', slow(5_000, replyWith(aDecision())));
    env.server.script('gpt-4o-mini', garbage());
    env.server.script(
      'claude-sonnet-4-6',
      replyWith(
        aDecision({
          action: 'SELL',
          confidence: 0.6,
          sizePct: 4,
          leverage: 2,
          entryPrice: '1',
          stopLoss: '2',
          takeProfit: '0.5',
        }),
      ),
    );
    const panel = panelOf([DEEPSEEK, GPT, CLAUDE], { perModelTimeoutMs: 1_000 });
    const correlationId = `panel-${++correlation}`;
    const startedMs = Date.now();

    const decision = await panel.decide(aContext(), { correlationId });

    expect(Date.now() - startedMs).toBeLessThan(3_000);
    expect(decision.votes).toEqual([{ model: 'anthropic/claude-sonnet-4-6', action: 'SELL', confidence: 0.6 }]);
    expect(decision.abstentions).toEqual([
      { model: 'deepseek/deepseek-chat', reason: expect.stringMatching(/^timeout/) },
      { model: 'openai/gpt-4o-mini', reason: expect.stringMatching(/^invalid/) },
    ]);
    // One vote of three, but abstentions are not votes: the SELL stands at its own confidence.
    expect(decision).toMatchObject({ action: 'SELL', confidence: 0.6, agreement: 1, sizePct: 4, leverage: 2 });
    // Prices from code, not from the model's text: entry at the context price, stop 2 ATR above.
    expect(decision).toMatchObject({ entryPrice: '68600.5', stopLoss: '70301', takeProfit: '66049.75' });
    const calls = await env.db.db
      .select()
      .from(llmCalls)
      .where(eq(llmCalls.correlationId, correlationId))
      .orderBy(asc(llmCalls.id));
    expect(calls.map((c) => `${c.provider}:${c.outcome}`).sort()).toEqual([
      'anthropic:ok',
      'deepseek:timeout',
      'openai:invalid',
      'openai:invalid',
    ]);
  });

  it('combines agreeing and disagreeing votes by confidence and weight', async () => {
    env.server.script(
      'deepseek-chat',
      replyWith(aDecision({ action: 'BUY', confidence: 0.9, sizePct: 6, leverage: 5 })),
    );
    env.server.script(
      'claude-sonnet-4-6',
      replyWith(
        aDecision({
          action: 'HOLD',
          confidence: 0.5,
          entryPrice: null,
          stopLoss: null,
          takeProfit: null,
          sizePct: 0,
          leverage: 1,
        }),
      ),
    );
    const panel = panelOf([RULES, DEEPSEEK, CLAUDE], { maxLeverage: 5 });

    const decision = await panel.decide(aContext());

    // BUY: 0.75 (rules) + 0.9 = 1.65 of 2.15 → agreement 0.7674; confidence 1.65 / 3 = 0.55.
    expect(decision).toMatchObject({ action: 'BUY', agreement: 0.7674, confidence: 0.55, abstentions: [] });
    // Size weighted by confidence: (0.75 × 7.5 + 0.9 × 6) / 1.65; leverage the lowest of the agreeing votes.
    expect(decision.sizePct).toBe(6.68);
    expect(decision.leverage).toBe(1);
    expect(decision.votes.map((v) => v.model)).toEqual([
      'rules',
      'deepseek/deepseek-chat',
      'anthropic/claude-sonnet-4-6',
    ]);
    expect(decision.reasons).toHaveLength(3);
  });

  it('refuses a vote for more leverage than risk allows: that model abstains', async () => {
    env.server.script('deepseek-chat', replyWith(aDecision({ leverage: 5 })));
    const panel = panelOf([DEEPSEEK], { maxLeverage: 2 });

    const decision = await panel.decide(aContext());

    expect(decision.votes).toEqual([]);
    expect(decision.abstentions).toEqual([
      { model: 'deepseek/deepseek-chat', reason: expect.stringContaining('leverage') },
    ]);
    expect(decision).toMatchObject({ action: 'HOLD', confidence: 0, entryPrice: null, sizePct: 0 });
  });

  it("is built from the default configuration with the rules model alone, from the agents' outputs", async () => {
    const { panel } = createModelPanel(AppConfig.parse({}), {
      db: env.db.db,
      clock: new ManualClock(Date.UTC(2030, 5, 1)),
      logger: silentLogger,
    });
    const context = toDecisionContext({
      symbol: 'BTC/USD',
      ta: TaSignalEmitted.payload.parse(aTaSignal()),
      regime: RegimeDetected.payload.parse({
        timeframe: '1h',
        candleOpenTimeMs: 1_656_630_000_000,
        regime: 'trending_bull',
        confidence: 0.9,
      }),
    });
    expect(context).toEqual({
      symbol: 'BTC/USD',
      price: '19949.90000000',
      ta: {
        bias: 'long',
        confidence: 0.7,
        rsi: 61.2,
        atr: '180.00000000',
        ema21: '19310.00000000',
        ema50: '19250.00000000',
      },
      regime: { regime: 'trending_bull', confidence: 0.9 },
    });

    const decision = await panel.decide(context);

    // 19949.9 − 2 × 180 and + 3 × 180.
    expect(decision).toMatchObject({
      action: 'BUY',
      confidence: 0.8,
      entryPrice: '19949.90000000',
      stopLoss: '19589.9',
      takeProfit: '20489.9',
      votes: [{ model: 'rules' }],
    });
  });

  it('holds with no prices in a quiet market', async () => {
    const decision = await panelOf([RULES]).decide(aContext({ regime: { regime: 'quiet', confidence: 0.7 } }));
    expect(decision).toMatchObject({
      action: 'HOLD',
      entryPrice: null,
      stopLoss: null,
      takeProfit: null,
      sizePct: 0,
      leverage: 1,
    });
  });
});
