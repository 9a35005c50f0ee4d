import { performance } from 'node:perf_hooks';
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { CoordinatorConfig } from '../../src/config/sections/coordinator-config.ts';
import { LlmConfig } from '../../src/config/sections/llm-config.ts';
import type { Conflict } from '../../src/coordinator/conflict.ts';
import {
  CONFLICT_RESOLUTION_PURPOSE,
  resolveConflict,
  type ResolveConflictRequest,
} from '../../src/coordinator/resolve-conflict.ts';
import type { SignalUnderReview } from '../../src/coordinator/signal-under-review.ts';
import { llmCalls } from '../../src/db/schema/index.ts';
import { garbage, httpError, replyWith, slow } from '../support/model-server.ts';
import { useDatabaseAndModelServer } from '../support/use-database-and-model-server.ts';
import { createGateway, llmConfigFor } from '../llm/llm-fixtures.ts';
import { againstRegime, aSignal, aView, confidenceGap, NOW_MS } from './coordinator-fixtures.ts';

const DEEPSEEK = 'deepseek-chat';
const CLAUDE = 'claude-sonnet-4-6';
/** The shortest budget the config allows. */
const BUDGET_MS = 1_000;
/** Scheduling slack on top of the budget for the whole call to return. */
const SLACK_MS = 400;

let correlation = 0;

describe('resolveConflict', () => {
  const env = useDatabaseAndModelServer();

  /**
   * A request for a BUY of 5 % at leverage 2 with a confidence-gap conflict, market 68600.5,
   * risk.maxLeverage 3, DeepSeek then Claude at the test server (each with a 30 s timeout of
   * its own, so only the resolver's budget can stop them).
   */
  function request(
    overrides: {
      llm?: LlmConfig;
      resolver?: Partial<CoordinatorConfig['resolver']>;
      signal?: SignalUnderReview;
      conflicts?: Conflict[];
      abortSignal?: AbortSignal;
    } = {},
  ) {
    const llm = overrides.llm ?? llmConfigFor(env.server, { timeoutMs: 30_000 });
    const correlationId = `resolve-${++correlation}`;
    const req: ResolveConflictRequest = {
      gateway: createGateway(env.db.db, llm),
      config: {
        coordinator: CoordinatorConfig.parse({ resolver: { budgetMs: 10_000, ...overrides.resolver } }),
        llm,
        maxLeverage: 3,
      },
      signal: overrides.signal ?? aSignal({ sizePct: 5, leverage: 2 }),
      conflicts: overrides.conflicts ?? [confidenceGap],
      view: aView({ ta: { bias: 'long', confidence: 0.5, tsMs: NOW_MS - 1_000 } }),
      marketPrice: '68600.5',
      nowMs: NOW_MS,
      correlationId,
      ...(overrides.abortSignal ? { abortSignal: overrides.abortSignal } : {}),
    };
    return req;
  }

  const callsOf = (correlationId: string) =>
    env.db.db.select().from(llmCalls).where(eq(llmCalls.correlationId, correlationId)).orderBy(asc(llmCalls.id));

  it("takes the primary's valid proceed, asking only the primary, and records the call", async () => {
    env.server.script(DEEPSEEK, replyWith({ action: 'proceed', reasoning: 'TA is catching up' }));
    const req = request();

    const resolution = await resolveConflict(req);

    expect(resolution).toEqual({ action: 'proceed', reasoning: 'TA is catching up', source: `deepseek/${DEEPSEEK}` });
    expect(env.server.requests.map((r) => r.model)).toEqual([DEEPSEEK]);
    const prompt = env.server.requests[0]!.body.messages as { role: string; content: string }[];
    expect(prompt.map((m) => m.content).join('\n')).toContain('confidence_gap');
    expect(await callsOf(req.correlationId)).toEqual([
      expect.objectContaining({ provider: 'deepseek', purpose: CONFLICT_RESOLUTION_PURPOSE, outcome: 'ok' }),
    ]);
  });

  it("shows the model only the fresh outputs of the signal's symbol", async () => {
    env.server.script(DEEPSEEK, replyWith({ action: 'wait', reasoning: 'unclear' }));
    const req = request();
    req.view = aView({
      ta: { bias: 'long', confidence: 0.5, tsMs: NOW_MS - 1_000 },
      sentiment: { score: -0.9, confidence: 0.9, tsMs: NOW_MS - 3_600_001 },
    });
    await resolveConflict(req);
    const messages = env.server.requests[0]!.body.messages as { content: string }[];
    const user = messages.at(-1)!.content;
    expect(user).toContain('- technical analysis: bias long, confidence 0.5');
    expect(user).toContain('- sentiment: none');

    env.server.script(DEEPSEEK, replyWith({ action: 'wait', reasoning: 'unclear' }));
    const other = request();
    other.view = aView({ symbol: 'ETH/USD' });
    await resolveConflict(other);
    const otherUser = (env.server.requests[1]!.body.messages as { content: string }[]).at(-1)!.content;
    expect(otherUser).toContain('- technical analysis: none');
    expect(otherUser).toContain('- regime: none');
  });

  it('takes a valid abort', async () => {
    env.server.script(DEEPSEEK, replyWith({ action: 'abort', reasoning: 'against the trend' }));
    expect(await resolveConflict(request({ conflicts: [againstRegime] }))).toMatchObject({
      action: 'abort',
      source: `deepseek/${DEEPSEEK}`,
    });
  });

  it('takes a valid modify as asked', async () => {
    env.server.script(
      DEEPSEEK,
      replyWith({ action: 'modify', sizeCutPct: 50, leverage: 1, entryPrice: '68500', reasoning: 'smaller' }),
    );
    expect(await resolveConflict(request())).toEqual({
      action: 'modify',
      sizeCutPct: 50,
      sizePct: 2.5,
      leverage: 1,
      entryPrice: '68500',
      reasoning: 'smaller',
      source: `deepseek/${DEEPSEEK}`,
    });
  });

  it('bounds a modify that is out of bounds instead of refusing it', async () => {
    env.server.script(
      DEEPSEEK,
      replyWith({ action: 'modify', sizeCutPct: 250, leverage: 50, entryPrice: '99999', reasoning: 'wild' }),
    );
    expect(await resolveConflict(request())).toEqual({
      action: 'modify',
      sizeCutPct: 100,
      sizePct: 0,
      leverage: 2,
      entryPrice: '69286.505',
      reasoning: 'wild',
      source: `deepseek/${DEEPSEEK}`,
    });
  });

  it('waits when the model picks an action code does not allow', async () => {
    env.server.script(DEEPSEEK, replyWith({ action: 'abort', reasoning: 'do not exit' }));
    const resolution = await resolveConflict(
      request({
        signal: aSignal({ action: 'CLOSE', sizePct: 0, leverage: 1, entryPrice: null }),
        conflicts: [againstRegime],
      }),
    );
    expect(resolution).toMatchObject({
      action: 'wait',
      source: 'fallback_wait',
      reasoning: expect.stringContaining('not allowed'),
    });
  });

  it("takes the fallback's answer when the primary fails with HTTP 500", async () => {
    env.server.script(DEEPSEEK, httpError(500));
    env.server.script(CLAUDE, replyWith({ action: 'modify', sizeCutPct: 20, reasoning: 'a bit smaller' }));
    const resolution = await resolveConflict(request());
    expect(resolution).toMatchObject({
      action: 'modify',
      sizeCutPct: 20,
      sizePct: 4,
      leverage: 2,
      source: `anthropic/${CLAUDE}`,
    });
    expect(env.server.requests.map((r) => r.model)).toEqual([DEEPSEEK, CLAUDE]);
  });

  it('waits when both models fail with HTTP 500', async () => {
    env.server.script(DEEPSEEK, httpError(500));
    env.server.script(CLAUDE, httpError(503, 'overloaded'));
    const resolution = await resolveConflict(request());
    expect(resolution).toMatchObject({
      action: 'wait',
      source: 'fallback_wait',
      reasoning: expect.stringContaining('http_error'),
    });
  });

  it('waits on malformed replies after the one repair, without falling back to the rules', async () => {
    env.server.script(DEEPSEEK, garbage('I would wait and see, honestly.'));
    const req = request({ resolver: { fallback: null } });
    const resolution = await resolveConflict(req);
    expect(resolution).toMatchObject({
      action: 'wait',
      source: 'fallback_wait',
      reasoning: expect.stringContaining('invalid'),
    });
    expect(env.server.requestsFor(DEEPSEEK)).toHaveLength(2);
    const calls = await callsOf(req.correlationId);
    expect(calls.map((c) => [c.provider, c.outcome])).toEqual([
      ['deepseek', 'invalid'],
      ['deepseek', 'invalid'],
    ]);
  });

  it('waits when a reply fails the schema on both models', async () => {
    env.server.script(DEEPSEEK, replyWith({ action: 'escalate', reasoning: 'x' }));
    env.server.script(CLAUDE, replyWith({ decision: 'proceed' }));
    expect(await resolveConflict(request())).toMatchObject({ action: 'wait', source: 'fallback_wait' });
    expect(env.server.requests).toHaveLength(4);
  });

  it('waits when a slow primary spends the total budget, and never asks the fallback', async () => {
    env.server.script(DEEPSEEK, slow(5_000, replyWith({ action: 'proceed', reasoning: 'late' })));
    env.server.script(CLAUDE, replyWith({ action: 'proceed', reasoning: 'would have been in time' }));
    const startedMs = performance.now();

    const resolution = await resolveConflict(request({ resolver: { budgetMs: BUDGET_MS } }));

    const elapsedMs = performance.now() - startedMs;
    expect(resolution).toMatchObject({ action: 'wait', source: 'fallback_wait' });
    expect(elapsedMs).toBeGreaterThanOrEqual(BUDGET_MS - 50);
    expect(elapsedMs).toBeLessThan(BUDGET_MS + SLACK_MS);
    expect(env.server.requestsFor(CLAUDE)).toHaveLength(0);
  });

  it('gives the fallback only what the primary left of the budget, not a budget of its own', async () => {
    // The primary fails early enough that, even on a loaded machine, time is left to ask the
    // fallback (at 700 ms, a loaded run spent the whole budget before the fallback was asked).
    env.server.script(DEEPSEEK, slow(300, httpError(500)));
    // With a budget of its own the fallback would answer proceed at about 1,200 ms.
    env.server.script(CLAUDE, slow(900, replyWith({ action: 'proceed', reasoning: 'too late' })));
    const startedMs = performance.now();

    const resolution = await resolveConflict(request({ resolver: { budgetMs: BUDGET_MS } }));

    const elapsedMs = performance.now() - startedMs;
    expect(resolution).toMatchObject({ action: 'wait', source: 'fallback_wait' });
    expect(env.server.requestsFor(CLAUDE)).toHaveLength(1);
    expect(elapsedMs).toBeGreaterThanOrEqual(BUDGET_MS - 50);
    expect(elapsedMs).toBeLessThan(BUDGET_MS + SLACK_MS);
  });

  it('waits when the caller aborts', async () => {
    env.server.script(DEEPSEEK, slow(5_000, replyWith({ action: 'proceed', reasoning: 'late' })));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const startedMs = performance.now();
    const resolution = await resolveConflict(request({ abortSignal: controller.signal }));
    expect(resolution).toMatchObject({ action: 'wait', source: 'fallback_wait' });
    expect(performance.now() - startedMs).toBeLessThan(100 + SLACK_MS);
  });

  it('answers by the rules, with no HTTP request, when no resolver provider has a key', async () => {
    const noKeys = LlmConfig.parse({});
    const req = request({ llm: noKeys, conflicts: [againstRegime] });
    const ask = vi.spyOn(req.gateway, 'ask');

    const resolution = await resolveConflict(req);

    expect(resolution).toMatchObject({ action: 'abort', source: 'rules' });
    expect(ask).not.toHaveBeenCalled();
    expect(env.server.requests).toHaveLength(0);
    expect(await callsOf(req.correlationId)).toEqual([
      expect.objectContaining({ provider: 'rules', purpose: CONFLICT_RESOLUTION_PURPOSE, outcome: 'ok' }),
    ]);
  });

  it('skips a primary without a key and asks the fallback', async () => {
    const llm = llmConfigFor(env.server, { timeoutMs: 30_000 });
    const withoutDeepseek = LlmConfig.parse({
      ...llm,
      providers: {
        ...llm.providers,
        deepseek: { ...llm.providers.deepseek!, baseUrl: 'https://api.deepseek.com', apiKey: '' },
      },
    });
    env.server.script(CLAUDE, replyWith({ action: 'wait', reasoning: 'mixed evidence' }));
    expect(await resolveConflict(request({ llm: withoutDeepseek }))).toEqual({
      action: 'wait',
      reasoning: 'mixed evidence',
      source: `anthropic/${CLAUDE}`,
    });
    expect(env.server.requests.map((r) => r.model)).toEqual([CLAUDE]);
  });

  it('waits without asking anyone when there is no usable market price', async () => {
    env.server.script(DEEPSEEK, replyWith({ action: 'proceed', reasoning: 'fine' }));
    for (const marketPrice of ['0', '', '-5', 'n/a']) {
      expect(await resolveConflict({ ...request(), marketPrice })).toMatchObject({
        action: 'wait',
        source: 'fallback_wait',
        reasoning: expect.stringContaining('market price'),
      });
    }
    expect(env.server.requests).toHaveLength(0);
  });

  it('proceeds without asking anyone when there is no conflict', async () => {
    expect(await resolveConflict(request({ conflicts: [] }))).toMatchObject({ action: 'proceed', source: 'rules' });
    expect(env.server.requests).toHaveLength(0);
  });
});
