import { eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { TaIndicators } from '../../src/agents/ta/contract/ta-signal-emitted.ts';
import type { PanelMemberConfig } from '../../src/config/fields/panel-member-config.ts';
import { AgentsConfig } from '../../src/config/sections/agents-config.ts';
import { LlmConfig } from '../../src/config/sections/llm-config.ts';
import type { Db } from '../../src/db/open-database.ts';
import { llmCalls } from '../../src/db/schema/index.ts';
import { ModelPanel } from '../../src/panel/model-panel.ts';
import { silentLogger, type Logger } from '../../src/shared/logger.ts';
import type { LoadedStrategy } from '../../src/strategies/load-strategy.ts';
import type { StrategyFacts } from '../../src/strategies/load-strategy-facts.ts';
import type { StrategyInput } from '../../src/strategies/strategy.ts';
import { aContext, createGateway } from '../llm/llm-fixtures.ts';
import { aTaSignal } from '../support/builders.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { it } from '../support/fixtures.ts';

const FACTS: StrategyFacts = {
  timeframe: '1h',
  indicators: TaIndicators.parse(aTaSignal().indicators),
  bars: [
    { openTimeMs: 1_656_630_000_000, open: '68000', high: '68700', low: '67900', close: '68600.5', volume: '12.5' },
  ],
  position: null,
  orders: [],
  account: { cashAsset: 'USD', equity: '10000', cash: '10000', atMs: 1_656_630_000_000 },
};

let correlation = 0;

function aStrategy(
  model: string,
  decide: LoadedStrategy['decide'],
  overrides: Partial<LoadedStrategy> = {},
): LoadedStrategy {
  return {
    model: `strategy:${model}`,
    file: `strategies/${model}.ts`,
    path: `/nowhere/strategies/${model}.ts`,
    lookback: 10,
    params: {},
    weight: 1,
    decide,
    ...overrides,
  };
}

function panelOf(
  db: Db,
  strategies: LoadedStrategy[],
  models: PanelMemberConfig[] = [],
  perModelTimeoutMs = 30_000,
  logger: Logger = silentLogger,
) {
  const panel: PanelMemberConfig[] = [
    ...models,
    ...strategies.map((s) => ({ strategy: s.file, params: {}, weight: s.weight })),
  ];
  const llm = LlmConfig.parse({});
  return new ModelPanel({
    gateway: createGateway(db, llm, { logger }),
    logger,
    decision: AgentsConfig.parse({ decision: { panel, perModelTimeoutMs } }).decision,
    rules: llm.rules,
    maxLeverage: 3,
    strategies,
  });
}

async function callsOf(db: Db, correlationId: string) {
  return db
    .select({ provider: llmCalls.provider, model: llmCalls.model, outcome: llmCalls.outcome, error: llmCalls.error })
    .from(llmCalls)
    .where(eq(llmCalls.correlationId, correlationId));
}

describe('strategies in the decision panel', () => {
  it('asks a strategy with the context and its facts, and takes its levels and size for the entry', async ({
    database,
  }) => {
    const seen: StrategyInput[] = [];
    const panel = panelOf(database.db, [
      aStrategy('breakout', (input) => {
        seen.push(input);
        return {
          action: 'BUY',
          confidence: 0.8,
          stopLoss: '67000',
          takeProfit: 71000,
          sizePct: 7.5,
          reasoning: 'breakout',
        };
      }),
    ]);
    const correlationId = `strategy-${++correlation}`;

    const decision = await panel.decide(aContext(), { correlationId, facts: FACTS });

    expect(decision).toMatchObject({
      action: 'BUY',
      confidence: 0.8,
      entryPrice: '68600.5',
      stopLoss: '67000',
      takeProfit: '71000',
      sizePct: 7.5,
      leverage: 1,
      votes: [{ model: 'strategy:breakout', action: 'BUY', confidence: 0.8 }],
      abstentions: [],
      reasons: [{ model: 'strategy:breakout', reasoning: 'breakout' }],
    });
    expect(seen[0]).toMatchObject({
      symbol: 'BTC/USD',
      timeframe: '1h',
      price: '68600.5',
      bars: FACTS.bars,
      ta: { bias: 'long', confidence: 0.7, indicators: FACTS.indicators },
      regime: { regime: 'trending_bull', confidence: 0.8 },
      position: null,
      account: FACTS.account,
      params: {},
    });
    expect(await callsOf(database.db, correlationId)).toEqual([
      { provider: 'strategy', model: 'strategy:breakout', outcome: 'ok', error: null },
    ]);
  });

  it('places an entry without levels at the ATR multiples of llm.rules and sizes it by maxSizePct × confidence', async ({
    database,
  }) => {
    const panel = panelOf(database.db, [aStrategy('plain', () => ({ action: 'BUY', confidence: 0.55 }))]);

    const decision = await panel.decide(aContext(), { facts: FACTS });

    // ATR 850.25: stop 2 ATR below 68600.5, target 3 ATR above; 10 % × 0.55.
    expect(decision).toMatchObject({ action: 'BUY', stopLoss: '66900', takeProfit: '71151.25', sizePct: 5.5 });
  });

  it.for<[string, () => unknown, RegExp]>([
    ['a confidence out of range', () => ({ action: 'BUY', confidence: 7 }), /invalid vote: confidence: .*1/],
    ['an unknown action', () => ({ action: 'SHORT', confidence: 0.5 }), /invalid vote: action: /],
    ['a misspelt key', () => ({ action: 'BUY', confidence: 0.5, stoploss: '1' }), /invalid vote: .*stoploss/],
    [
      'a stop without a target',
      () => ({ action: 'BUY', confidence: 0.5, stopLoss: '1' }),
      /both stopLoss and takeProfit/,
    ],
    [
      'a stop above a BUY',
      () => ({ action: 'BUY', confidence: 0.5, stopLoss: '69000', takeProfit: '70000' }),
      /a BUY at 68600.5 needs stopLoss below/,
    ],
    ['a HOLD with a size', () => ({ action: 'HOLD', confidence: 0.5, sizePct: 3 }), /HOLD takes no stopLoss/],
    ['no vote at all', () => undefined, /invalid vote: vote: /],
    [
      'a throw',
      () => {
        throw new Error('boom');
      },
      /invalid: decide threw Error: boom/,
    ],
    ['a rejected promise', () => Promise.reject(new Error('later boom')), /invalid: decide threw Error: later boom/],
  ])('abstains on %s, so the panel holds and nothing is traded on it', async ([, decide, reason], { database }) => {
    const panel = panelOf(database.db, [aStrategy('broken', decide as LoadedStrategy['decide'])]);
    const correlationId = `strategy-${++correlation}`;

    const decision = await panel.decide(aContext(), { correlationId, facts: FACTS });

    expect(decision).toMatchObject({ action: 'HOLD', sizePct: 0, votes: [], stopLoss: null });
    expect(decision.abstentions).toEqual([{ model: 'strategy:broken', reason: expect.stringMatching(reason) }]);
    const [call] = await callsOf(database.db, correlationId);
    expect(call).toMatchObject({ provider: 'strategy', model: 'strategy:broken', outcome: 'invalid' });
    expect(call?.error).toMatch(reason);
  });

  it('abstains as timeout when a strategy answers later than agents.decision.perModelTimeoutMs', async ({
    database,
  }) => {
    const panel = panelOf(
      database.db,
      [aStrategy('stuck', () => new Promise(() => {}))],
      [{ provider: 'rules', model: 'rules', weight: 1 }],
      1_000,
    );
    const correlationId = `strategy-${++correlation}`;

    const decision = await panel.decide(aContext(), { correlationId, facts: FACTS });

    // The rules model still votes: one late voter does not hold up the panel.
    expect(decision.votes).toEqual([{ model: 'rules', action: 'BUY', confidence: 0.75 }]);
    expect(decision.abstentions).toEqual([{ model: 'strategy:stuck', reason: 'timeout: no vote within 1000 ms' }]);
    expect(await callsOf(database.db, correlationId)).toEqual(
      expect.arrayContaining([expect.objectContaining({ model: 'strategy:stuck', outcome: 'timeout' })]),
    );
  });

  it('abstains as timeout when a synchronous decide returns a vote later than the timeout: the timer could not fire meanwhile', async ({
    database,
  }) => {
    const busy = () => {
      const until = performance.now() + 1_100;
      while (performance.now() < until);
      return { action: 'BUY' as const, confidence: 0.9 };
    };
    const { logger, warnings } = captureLogger();
    const panel = panelOf(database.db, [aStrategy('busy', busy)], [], 1_000, logger);
    const correlationId = `strategy-${++correlation}`;

    const decision = await panel.decide(aContext(), { correlationId, facts: FACTS });

    expect(decision).toMatchObject({ action: 'HOLD', votes: [] });
    expect(decision.abstentions).toEqual([
      {
        model: 'strategy:busy',
        reason: expect.stringMatching(/^timeout: answered after 1\d{3} ms, over the 1000 ms allowed/),
      },
    ]);
    expect(await callsOf(database.db, correlationId)).toEqual([
      expect.objectContaining({ model: 'strategy:busy', outcome: 'timeout' }),
    ]);
    // Logged as what it is: a strategy abstaining, not a model vendor failing.
    expect(warnings().map((w) => [w.msg, w.model])).toEqual([['strategy abstained', 'strategy:busy']]);
  });

  it('logs a strategy abstaining for the same kind of reason at its 1st, 10th, 100th … time; every call is recorded', async ({
    database,
  }) => {
    const { logger, warnings } = captureLogger();
    const panel = panelOf(
      database.db,
      [aStrategy('sure', () => ({ action: 'BUY', confidence: 7 }))],
      [],
      30_000,
      logger,
    );
    const ids = Array.from({ length: 12 }, () => `strategy-${++correlation}`);

    for (const correlationId of ids) await panel.decide(aContext(), { correlationId, facts: FACTS });

    expect(warnings().map((w) => [w.msg, w.times])).toEqual([
      ['strategy abstained', 1],
      ['strategy abstained', 10],
    ]);
    const calls = await Promise.all(ids.map((id) => callsOf(database.db, id)));
    expect(calls.flat().map((c) => c.outcome)).toEqual(Array(12).fill('invalid'));
  });

  it('votes beside the models: a strategy SELL against the rules BUY at equal weight is a HOLD', async ({
    database,
  }) => {
    const panel = panelOf(
      database.db,
      [aStrategy('contrarian', () => ({ action: 'SELL', confidence: 0.75 }))],
      [{ provider: 'rules', model: 'rules', weight: 1 }],
    );

    const decision = await panel.decide(aContext(), { facts: FACTS });

    expect(decision.action).toBe('HOLD');
    expect(decision.votes.map((v) => v.model)).toEqual(['rules', 'strategy:contrarian']);
  });

  it('abstains when no facts were read for it', async ({ database }) => {
    const panel = panelOf(database.db, [aStrategy('blind', () => ({ action: 'BUY', confidence: 1 }))]);

    const decision = await panel.decide(aContext());

    expect(decision.action).toBe('HOLD');
    expect(decision.abstentions[0]?.reason).toMatch(/no market facts/);
  });

  it('hands each strategy its own copy of the input', async ({ database }) => {
    const panel = panelOf(database.db, [
      aStrategy('vandal', (input) => {
        (input.bars as unknown as { close: string }[])[0]!.close = '1';
        return { action: 'HOLD', confidence: 0.5 };
      }),
      aStrategy('reader', (input) => ({ action: 'HOLD', confidence: 0.5, reasoning: `close ${input.bars[0]!.close}` })),
    ]);

    const decision = await panel.decide(aContext(), { facts: FACTS });

    expect(decision.reasons.find((r) => r.model === 'strategy:reader')?.reasoning).toBe('close 68600.5');
    expect(FACTS.bars[0]!.close).toBe('68600.5');
  });

  it('asks for as many bars as its hungriest strategy wants, and none without strategies', async ({ database }) => {
    const hold = () => ({ action: 'HOLD' as const, confidence: 0 });
    expect(
      panelOf(database.db, [aStrategy('a', hold, { lookback: 30 }), aStrategy('b', hold, { lookback: 120 })])
        .strategyLookback,
    ).toBe(120);
    expect(panelOf(database.db, [], [{ provider: 'rules', model: 'rules', weight: 1 }]).strategyLookback).toBe(0);
  });
});
