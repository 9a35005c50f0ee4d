import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { LlmProviderConfig } from '../../src/config/sections/llm-config.ts';
import { llmCalls, llmReplyCache } from '../../src/db/schema/index.ts';
import type { BudgetExhausted } from '../../src/llm/daily-budget.ts';
import type { ModelGateway } from '../../src/llm/model-gateway.ts';
import { TradeDecision } from '../../src/panel/trade-decision.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { garbage, httpError, rateLimited, replyWith, slow, truncatedJson } from '../support/model-server.ts';
import { useDatabaseAndModelServer } from '../support/use-database-and-model-server.ts';
import {
  aDecision,
  ANTHROPIC_KEY,
  clockOnFreshDay,
  createGateway,
  DEEPSEEK_KEY,
  llmConfigFor,
  OPENAI_KEY,
} from './llm-fixtures.ts';

const DEEPSEEK = { provider: 'deepseek', model: 'deepseek-chat' };
const CLAUDE = { provider: 'anthropic', model: 'claude-sonnet-4-6' };
const PROMPT = { system: 'You decide trades.', user: 'BTC/USD at 68600.5: decide.' };

let correlation = 0;
const nextCorrelationId = () => `corr-${++correlation}`;

describe.each(['postgres', 'pglite'] as const)('model gateway on %s', (driver) => {
  const env = useDatabaseAndModelServer(driver);

  const callsOf = (correlationId: string) =>
    env.db.db.select().from(llmCalls).where(eq(llmCalls.correlationId, correlationId)).orderBy(asc(llmCalls.id));
  const ask = (gateway: ModelGateway, models = [DEEPSEEK], correlationId = nextCorrelationId()) =>
    gateway.ask({ models, schema: TradeDecision, prompt: PROMPT, purpose: 'decision', correlationId });

  it('asks DeepSeek in JSON mode with the schema in the prompt and records tokens, cost and latency', async () => {
    env.server.script('deepseek-chat', replyWith(aDecision(), { inputTokens: 123_457, outputTokens: 98_765 }));
    const gateway = createGateway(env.db.db, llmConfigFor(env.server));
    const correlationId = nextCorrelationId();

    const answer = await ask(gateway, [DEEPSEEK], correlationId);

    expect(answer).toMatchObject({ ok: true, value: aDecision(), provider: 'deepseek', outcome: 'ok', failures: [] });
    const [request] = env.server.requests;
    expect(request).toMatchObject({ format: 'openai', path: '/v1/chat/completions', model: 'deepseek-chat' });
    expect(request!.body).toMatchObject({
      response_format: { type: 'json_object' },
      max_tokens: 1_024,
      temperature: 0,
    });
    expect(request!.headers.authorization).toBe(`Bearer ${DEEPSEEK_KEY}`);
    const [system, user] = request!.body.messages as { role: string; content: string }[];
    expect(system!.role).toBe('system');
    expect(system!.content).toContain('You decide trades.');
    expect(system!.content).toContain('JSON schema');
    expect(system!.content).toContain('"stopLoss"');
    expect(user).toEqual({ role: 'user', content: PROMPT.user });

    const [call] = await callsOf(correlationId);
    // 123457 × 0.28 + 98765 × 0.42 USD per million tokens.
    expect(call).toMatchObject({
      provider: 'deepseek',
      model: 'deepseek-chat',
      purpose: 'decision',
      outcome: 'ok',
      attempt: 1,
      inputTokens: 123_457,
      outputTokens: 98_765,
      costUsd: '0.07604926',
      error: null,
    });
    expect(call!.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('speaks the Anthropic Messages API with the key, max_tokens, the schema in the system prompt and as the reply format', async () => {
    env.server.script(
      'claude-sonnet-4-6',
      replyWith(aDecision({ action: 'HOLD', entryPrice: null, stopLoss: null, takeProfit: null }), {
        inputTokens: 1_000,
        outputTokens: 200,
      }),
    );
    const gateway = createGateway(env.db.db, llmConfigFor(env.server));
    const correlationId = nextCorrelationId();

    const answer = await ask(gateway, [CLAUDE], correlationId);

    expect(answer).toMatchObject({ ok: true, provider: 'anthropic', outcome: 'ok', value: { action: 'HOLD' } });
    const [request] = env.server.requests;
    expect(request).toMatchObject({ format: 'anthropic', path: '/v1/messages' });
    // The SDK sends the key as `x-api-key` or, in recent versions, as a bearer token.
    expect(request!.headers['x-api-key'] ?? request!.headers.authorization?.replace(/^Bearer /, '')).toBe(
      ANTHROPIC_KEY,
    );
    expect(request!.body).toMatchObject({ max_tokens: 2_048, messages: [{ role: 'user', content: PROMPT.user }] });
    expect(request!.body.system).toContain('JSON schema');
    // Structured output: the reply is constrained to the decision's schema.
    expect(request!.body.output_config).toMatchObject({
      format: {
        type: 'json_schema',
        schema: { type: 'object', required: expect.arrayContaining(['action', 'confidence']) },
      },
    });
    // 1000 × 3 + 200 × 15 = 6000 per million.
    expect((await callsOf(correlationId))[0]).toMatchObject({ outcome: 'ok', costUsd: '0.006' });
  });

  it('sends an invalid reply back once with the schema error, and records invalid then repaired', async () => {
    env.server.script('deepseek-chat', replyWith({ ...aDecision(), action: 'MAYBE' }), replyWith(aDecision()));
    const gateway = createGateway(env.db.db, llmConfigFor(env.server));
    const correlationId = nextCorrelationId();

    const answer = await ask(gateway, [DEEPSEEK], correlationId);

    expect(answer).toMatchObject({ ok: true, outcome: 'repaired', value: aDecision() });
    const repair = env.server.requests[1]!.body.messages as { role: string; content: string }[];
    expect(repair.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(repair[2]!.content).toContain('MAYBE');
    expect(repair[3]!.content).toMatch(/invalid: .*action/);
    expect((await callsOf(correlationId)).map((c) => [c.outcome, c.attempt])).toEqual([
      ['invalid', 1],
      ['repaired', 2],
    ]);
  });

  it('falls back to the next provider after two invalid replies', async () => {
    env.server.script('deepseek-chat', garbage());
    env.server.script('claude-sonnet-4-6', replyWith(aDecision({ action: 'SELL' })));
    const gateway = createGateway(env.db.db, llmConfigFor(env.server));
    const correlationId = nextCorrelationId();

    const answer = await ask(gateway, [DEEPSEEK, CLAUDE], correlationId);

    expect(answer).toMatchObject({ ok: true, provider: 'anthropic', outcome: 'ok', value: { action: 'SELL' } });
    expect(answer.failures).toEqual([expect.objectContaining({ provider: 'deepseek', kind: 'invalid' })]);
    expect(env.server.requests.map((r) => r.format)).toEqual(['openai', 'openai', 'anthropic']);
    const calls = await callsOf(correlationId);
    expect(calls.map((c) => [c.provider, c.outcome, c.attempt])).toEqual([
      ['deepseek', 'invalid', 1],
      ['deepseek', 'invalid', 2],
      ['anthropic', 'ok', 1],
    ]);
    expect(calls[0]!.error).toContain('not one JSON object');
  });

  it('abstains when every provider fails, naming each failure', async () => {
    env.server.script('deepseek-chat', httpError(500));
    env.server.script('claude-sonnet-4-6', garbage());
    const gateway = createGateway(env.db.db, llmConfigFor(env.server));

    const answer = await ask(gateway, [DEEPSEEK, CLAUDE]);

    expect(answer.ok).toBe(false);
    expect(answer.failures.map((f) => f.kind)).toEqual(['http_error', 'invalid']);
    expect(!answer.ok && answer.reason).toMatch(
      /deepseek\/deepseek-chat: http_error: HTTP 500.*anthropic\/claude-sonnet-4-6: invalid/,
    );
  });

  it('records HTTP 500 as http_error and 429 as rate_limited, then falls back', async () => {
    env.server.script('deepseek-chat', httpError(500), rateLimited(1));
    env.server.script('claude-sonnet-4-6', replyWith(aDecision()));
    const gateway = createGateway(env.db.db, llmConfigFor(env.server));
    const first = nextCorrelationId();
    const second = nextCorrelationId();

    expect(await ask(gateway, [DEEPSEEK, CLAUDE], first)).toMatchObject({ ok: true, provider: 'anthropic' });
    expect(await ask(gateway, [DEEPSEEK, CLAUDE], second)).toMatchObject({ ok: true, provider: 'anthropic' });

    const [serverError] = await callsOf(first);
    expect(serverError).toMatchObject({ provider: 'deepseek', outcome: 'http_error', costUsd: '0', inputTokens: 0 });
    expect(serverError!.error).toContain('HTTP 500');
    expect((await callsOf(second))[0]).toMatchObject({ provider: 'deepseek', outcome: 'rate_limited' });
  });

  it('lets the SDK retry a 429 after its retry-after when the provider allows a retry', async () => {
    env.server.script('deepseek-chat', rateLimited(1), replyWith(aDecision()));
    const gateway = createGateway(env.db.db, llmConfigFor(env.server, { maxRetries: 1, timeoutMs: 5_000 }));
    const correlationId = nextCorrelationId();
    const startedMs = Date.now();

    expect(await ask(gateway, [DEEPSEEK], correlationId)).toMatchObject({ ok: true, outcome: 'ok' });

    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(900);
    expect(env.server.requests).toHaveLength(2);
    expect((await callsOf(correlationId)).map((c) => c.outcome)).toEqual(['ok']);
  });

  it('repairs a reply cut off at max_tokens', async () => {
    env.server.script('deepseek-chat', truncatedJson(aDecision()), replyWith(aDecision()));
    const gateway = createGateway(env.db.db, llmConfigFor(env.server));
    const correlationId = nextCorrelationId();

    expect(await ask(gateway, [DEEPSEEK], correlationId)).toMatchObject({ ok: true, outcome: 'repaired' });
    const [cut] = await callsOf(correlationId);
    expect(cut).toMatchObject({ outcome: 'invalid', inputTokens: 100, outputTokens: 50 });
    expect(cut!.error).toContain('cut off at max_tokens');
  });

  it('records a timeout when the model answers after the provider timeout, with no SDK default of 10 minutes', async () => {
    env.server.script('deepseek-chat', slow(5_000, replyWith(aDecision())));
    const gateway = createGateway(env.db.db, llmConfigFor(env.server, { timeoutMs: 1_000 }));
    const correlationId = nextCorrelationId();
    const startedMs = Date.now();

    const answer = await ask(gateway, [DEEPSEEK], correlationId);

    expect(answer).toMatchObject({ ok: false, failures: [expect.objectContaining({ kind: 'timeout' })] });
    expect(Date.now() - startedMs).toBeLessThan(3_000);
    const [call] = await callsOf(correlationId);
    expect(call).toMatchObject({ outcome: 'timeout', costUsd: '0' });
    expect(call!.latencyMs).toBeGreaterThanOrEqual(900);
  });

  it('stops at the request deadline even when the provider timeout is longer', async () => {
    env.server.script('deepseek-chat', slow(5_000, replyWith(aDecision())));
    const gateway = createGateway(env.db.db, llmConfigFor(env.server, { timeoutMs: 30_000 }));
    const startedMs = Date.now();

    const answer = await gateway.ask({
      models: [DEEPSEEK],
      schema: TradeDecision,
      prompt: PROMPT,
      purpose: 'decision',
      timeoutMs: 1_000,
    });

    expect(answer).toMatchObject({ ok: false, failures: [expect.objectContaining({ kind: 'timeout' })] });
    expect(Date.now() - startedMs).toBeLessThan(3_000);
  });

  it('turns paid calls off once the day budget is spent, tells the callback once, and keeps free models on', async () => {
    // Each call costs 2M × 0.28 + 1M × 0.42 = 0.98 USD; the budget is 1 USD.
    env.server.script('deepseek-chat', replyWith(aDecision(), { inputTokens: 2_000_000, outputTokens: 1_000_000 }));
    env.server.script('llama3.1:8b', replyWith(aDecision({ action: 'HOLD' })));
    const exhausted: BudgetExhausted[] = [];
    const clock = clockOnFreshDay();
    const gateway = createGateway(env.db.db, llmConfigFor(env.server, { dailyBudgetUsd: 1 }), {
      clock,
      onBudgetExhausted: (event) => void exhausted.push(event),
    });

    expect(await ask(gateway)).toMatchObject({ ok: true });
    expect(exhausted).toHaveLength(0);
    expect(await ask(gateway)).toMatchObject({ ok: true });
    // The second call spent the budget: the callback hears it at once.
    expect(exhausted).toEqual([{ dayStartMs: expect.any(Number), spentUsd: '1.96', budgetUsd: 1 }]);
    expect(env.server.requests).toHaveLength(2);

    const correlationId = nextCorrelationId();
    const refused = await ask(gateway, [DEEPSEEK, { provider: 'local', model: 'llama3.1:8b' }], correlationId);

    expect(refused).toMatchObject({ ok: true, provider: 'local', value: { action: 'HOLD' } });
    expect(refused.failures).toEqual([expect.objectContaining({ provider: 'deepseek', kind: 'budget_exhausted' })]);
    expect(env.server.requestsFor('deepseek-chat')).toHaveLength(2);
    expect((await callsOf(correlationId)).map((c) => [c.provider, c.outcome, c.costUsd])).toEqual([
      ['deepseek', 'budget_exhausted', '0'],
      ['local', 'ok', '0'],
    ]);
    expect(exhausted).toHaveLength(1);

    // A new UTC day has a new budget.
    clock.advance(86_400_000);
    expect(await ask(gateway)).toMatchObject({ ok: true, provider: 'deepseek' });
    expect(env.server.requestsFor('deepseek-chat')).toHaveLength(3);
  });

  it('answers a repeated prompt from the reply cache during replay, with no HTTP call', async () => {
    env.server.script(
      'deepseek-chat',
      replyWith(aDecision({ reasoning: 'first answer' })),
      replyWith(aDecision({ reasoning: 'second answer' })),
    );
    const gateway = createGateway(env.db.db, llmConfigFor(env.server), { replay: true });
    const correlationId = nextCorrelationId();
    const uniquePrompt = { system: PROMPT.system, user: `${PROMPT.user} ${correlationId}` };
    const askCached = () =>
      gateway.ask({
        models: [DEEPSEEK],
        schema: TradeDecision,
        prompt: uniquePrompt,
        purpose: 'decision',
        correlationId,
      });

    const first = await askCached();
    const second = await askCached();

    expect(first).toMatchObject({ ok: true, outcome: 'ok', value: { reasoning: 'first answer' } });
    expect(second).toMatchObject({ ok: true, outcome: 'cached' });
    expect(second.ok && second.value).toEqual(first.ok && first.value);
    expect(env.server.requests).toHaveLength(1);
    expect((await callsOf(correlationId)).map((c) => [c.outcome, c.costUsd])).toEqual([
      ['ok', '0.000049'],
      ['cached', '0'],
    ]);
    const [entry] = await env.db.db
      .select()
      .from(llmReplyCache)
      .where(eq(llmReplyCache.reply, JSON.stringify(aDecision({ reasoning: 'first answer' }))));
    expect(entry!.key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not use the reply cache outside replay', async () => {
    env.server.script('deepseek-chat', replyWith(aDecision()));
    const gateway = createGateway(env.db.db, llmConfigFor(env.server), { replay: false });

    await ask(gateway);
    await ask(gateway);

    expect(env.server.requests).toHaveLength(2);
  });

  it('never writes an API key into a record or a log line', async () => {
    env.server.script('deepseek-chat', httpError(401, 'invalid api key', { echoApiKey: true }));
    env.server.script('claude-sonnet-4-6', httpError(401, 'invalid x-api-key', { echoApiKey: true }));
    env.server.script('gpt-4o-mini', httpError(403, 'forbidden', { echoApiKey: true }));
    const { logger, text } = captureLogger();
    const gateway = createGateway(env.db.db, llmConfigFor(env.server), { logger });
    const correlationId = nextCorrelationId();

    const answer = await ask(gateway, [DEEPSEEK, CLAUDE, { provider: 'openai', model: 'gpt-4o-mini' }], correlationId);

    expect(answer.ok).toBe(false);
    const calls = await callsOf(correlationId);
    expect(calls.map((c) => c.outcome)).toEqual(['http_error', 'http_error', 'http_error']);
    const stored = JSON.stringify(calls) + JSON.stringify(answer);
    expect(stored).toContain('(key ***)');
    for (const key of [DEEPSEEK_KEY, ANTHROPIC_KEY, OPENAI_KEY]) {
      expect(stored).not.toContain(key);
      expect(text()).not.toContain(key);
    }
    expect(text()).toContain('model call failed');
  });

  it('skips a remote provider that has no API key without calling it', async () => {
    const config = llmConfigFor(env.server);
    // A hosted endpoint: with no key it is not worth a call (a local env.server needs none).
    const keyless = LlmProviderConfig.parse({
      ...config.providers.deepseek,
      apiKey: '',
      baseUrl: 'https://api.deepseek.com',
    });
    const gateway = createGateway(env.db.db, { ...config, providers: { ...config.providers, deepseek: keyless } });
    const correlationId = nextCorrelationId();

    const answer = await ask(gateway, [DEEPSEEK], correlationId);

    expect(answer).toMatchObject({
      ok: false,
      failures: [expect.objectContaining({ kind: 'unavailable', reason: expect.stringContaining('no API key') })],
    });
    expect(env.server.requests).toHaveLength(0);
    expect(await callsOf(correlationId)).toEqual([]);
  });
});
