import { and, count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { loadAgentOutput, saveAgentOutput } from '../../support/agent-output-by-name.ts';
import { runSentiment, type SentimentDeps, type SentimentRun } from '../../../src/agents/sentiment/run-sentiment.ts';
import { addSentimentInputs } from '../../../src/agents/sentiment/sentiment-input-store.ts';
import { ManualClock } from '../../../src/clock/clock.ts';
import { AgentsConfig } from '../../../src/config/sections/agents-config.ts';
import type { LlmConfig } from '../../../src/config/sections/llm-config.ts';
import { agentOutputs } from '../../../src/db/schema/index.ts';
import { silentLogger } from '../../../src/shared/logger.ts';
import { TriplegainError } from '../../../src/shared/triplegain-error.ts';
import { createGateway, llmConfigFor } from '../../llm/llm-fixtures.ts';
import { garbage, httpError, replyWith } from '../../support/model-server.ts';
import { useDatabaseAndModelServer } from '../../support/use-database-and-model-server.ts';
import { anInput, aReply, HOUR_MS, keylessLlmConfig, NOW_MS } from './sentiment-fixtures.ts';

const BAR_MS = NOW_MS - HOUR_MS;
let pairs = 0;

describe('runSentiment on postgres', () => {
  const env = useDatabaseAndModelServer();

  /** A pair of its own per test, so that inputs and outputs of other tests never meet. */
  const aPair = () => `S${++pairs}/USD`;
  const depsOf = (
    sentiment: Record<string, unknown> = {},
    llm: LlmConfig = llmConfigFor(env.server),
  ): SentimentDeps => ({
    db: env.db.db,
    gateway: createGateway(env.db.db, llm),
    config: AgentsConfig.parse({
      sentiment: { enabled: true, models: [{ provider: 'deepseek', model: 'deepseek-chat' }], ...sentiment },
    }).sentiment,
    clock: new ManualClock(NOW_MS),
    logger: silentLogger,
  });
  const runOf = (symbol: string): SentimentRun => ({
    symbol,
    timeframe: '1h',
    candleOpenTimeMs: BAR_MS,
    correlationId: `run-${symbol}`,
  });
  const outputsOf = async (symbol: string) =>
    (
      await env.db.db
        .select({ n: count() })
        .from(agentOutputs)
        .where(and(eq(agentOutputs.agent, 'sentiment'), eq(agentOutputs.symbol, symbol)))
    )[0]!.n;

  it('scores the newest inputs of the lookback window, stores the output for the bar and returns the payload to publish', async () => {
    const symbol = aPair();
    const at = (hoursAgo: number, text: string) =>
      anInput({ symbol, text, publishedAtMs: NOW_MS - hoursAgo * HOUR_MS });
    await addSentimentInputs(env.db.db, [
      at(0.5, 'newest'),
      at(1, 'second'),
      at(2, 'third'),
      at(7, 'older than the window'),
      at(-1, 'not yet published'),
    ]);
    env.server.script('deepseek-chat', replyWith(aReply({ score: 0.25, confidence: 0.7 })));

    const result = await runSentiment(depsOf({ maxItems: 2 }), runOf(symbol));

    const payload = { score: 0.25, confidence: 0.7, sampleCount: 2, model: 'deepseek/deepseek-chat' };
    expect(result).toEqual({
      status: 'scored',
      payload,
      output: { ...payload, timeframe: '1h', candleOpenTimeMs: BAR_MS },
      fresh: true,
    });
    const user = (env.server.requests[0]!.body.messages as { content: string }[])[1]!.content;
    expect(user).toContain('1. "newest"\n2. "second"\n</items>');
    const stored = await loadAgentOutput(env.db.db, 'sentiment', symbol, { timeframe: '1h', candleOpenTimeMs: BAR_MS });
    expect(stored).toMatchObject({
      correlationId: `run-${symbol}`,
      output: { ...payload, timeframe: '1h', candleOpenTimeMs: BAR_MS },
    });
  });

  it('returns the stored output of a bar scored before, asking no model again', async () => {
    const symbol = aPair();
    await addSentimentInputs(env.db.db, [anInput({ symbol })]);
    env.server.script('deepseek-chat', replyWith(aReply({ score: -0.5 })), replyWith(aReply({ score: 0.9 })));
    const deps = depsOf();

    const first = await runSentiment(deps, runOf(symbol));
    const again = await runSentiment(deps, { ...runOf(symbol), correlationId: 'retry' });

    expect(first).toMatchObject({ status: 'scored', payload: { score: -0.5 }, fresh: true });
    expect(again).toEqual({ ...first, fresh: false });
    expect(env.server.requests).toHaveLength(1);
    expect(await outputsOf(symbol)).toBe(1);
  });

  it('abstains as disabled when agents.sentiment.enabled is false, even with inputs and a model', async () => {
    const symbol = aPair();
    await addSentimentInputs(env.db.db, [anInput({ symbol })]);
    env.server.script('deepseek-chat', replyWith(aReply()));

    const result = await runSentiment(depsOf({ enabled: false }), runOf(symbol));

    expect(result).toEqual({ status: 'abstained', reason: 'disabled', detail: 'agents.sentiment.enabled is false' });
    expect(env.server.requests).toHaveLength(0);
    expect(await outputsOf(symbol)).toBe(0);
  });

  it('abstains as no_input with no input in the window, storing and returning no score', async () => {
    const symbol = aPair();
    await addSentimentInputs(env.db.db, [anInput({ symbol, publishedAtMs: NOW_MS - 7 * HOUR_MS })]);
    env.server.script('deepseek-chat', replyWith(aReply()));

    const result = await runSentiment(depsOf(), runOf(symbol));

    expect(result).toEqual({
      status: 'abstained',
      reason: 'no_input',
      detail: `no headline or post to score for ${symbol}`,
    });
    expect(env.server.requests).toHaveLength(0);
    expect(await outputsOf(symbol)).toBe(0);
  });

  it('abstains as no_input with fewer inputs than minItems', async () => {
    const symbol = aPair();
    await addSentimentInputs(env.db.db, [anInput({ symbol }), anInput({ symbol })]);
    env.server.script('deepseek-chat', replyWith(aReply()));

    const result = await runSentiment(depsOf({ minItems: 3 }), runOf(symbol));

    expect(result).toMatchObject({ status: 'abstained', reason: 'no_input' });
    expect(env.server.requests).toHaveLength(0);
    expect(await outputsOf(symbol)).toBe(0);
  });

  it('abstains as no_model when the configured providers have no API key', async () => {
    const symbol = aPair();
    await addSentimentInputs(env.db.db, [anInput({ symbol })]);

    const result = await runSentiment(depsOf({}, keylessLlmConfig()), runOf(symbol));

    expect(result).toMatchObject({ status: 'abstained', reason: 'no_model' });
    expect(await outputsOf(symbol)).toBe(0);
  });

  it.each([
    ['answers garbage', garbage()],
    ['fails with HTTP 500', httpError(500)],
  ])('abstains as model_failed, storing nothing, when the model %s', async (_what, behaviour) => {
    const symbol = aPair();
    await addSentimentInputs(env.db.db, [anInput({ symbol })]);
    env.server.script('deepseek-chat', behaviour);

    const result = await runSentiment(depsOf(), runOf(symbol));

    expect(result).toMatchObject({ status: 'abstained', reason: 'model_failed' });
    expect(env.server.requests.length).toBeGreaterThan(0);
    expect(await outputsOf(symbol)).toBe(0);
  });

  it('refuses to store a sentiment output that is no measurement', async () => {
    const symbol = aPair();
    const output = {
      score: 1.5,
      confidence: 0.5,
      sampleCount: 0,
      model: 'deepseek/deepseek-chat',
      timeframe: '1h',
      candleOpenTimeMs: BAR_MS,
    };

    const err = await saveAgentOutput(env.db.db, { agent: 'sentiment', symbol, output, correlationId: 'bad' }).catch(
      (e: unknown) => e,
    );

    expect(err).toBeInstanceOf(TriplegainError);
    expect((err as Error).message).toMatch(/^cannot save sentiment output: score: .*; sampleCount: /);
    expect(await outputsOf(symbol)).toBe(0);
  });
});

describe('agents.sentiment config', () => {
  it('is off by default, with no model, a 6 h window of at most 50 items and at least 1', () => {
    expect(AgentsConfig.parse({}).sentiment).toEqual({
      enabled: false,
      models: [],
      lookbackMs: 21_600_000,
      maxItems: 50,
      minItems: 1,
      timeoutMs: 60_000,
    });
  });

  it('refuses minItems above maxItems', () => {
    const parsed = AgentsConfig.safeParse({ sentiment: { maxItems: 5, minItems: 6 } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({ path: ['sentiment', 'minItems'], message: '6 must be at most maxItems (5)' }),
    ]);
  });
});
