import { Decimal } from 'decimal.js';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { CoordinatorConfig } from '../../src/config/sections/coordinator-config.ts';
import type { Conflict } from '../../src/coordinator/conflict.ts';
import { resolveConflict } from '../../src/coordinator/resolve-conflict.ts';
import {
  allowedActions,
  boundResolution,
  fallbackWait,
  Resolution,
  ResolverReply,
  type ResolutionAction,
} from '../../src/coordinator/resolution.ts';
import type { SignalUnderReview } from '../../src/coordinator/signal-under-review.ts';
import { parseModelReply } from '../../src/llm/parse-model-reply.ts';
import { startModelServer, type ModelServer } from '../support/model-server.ts';
import { createGateway, llmConfigFor } from '../llm/llm-fixtures.ts';
import { againstRegime, aSignal, aView, confidenceGap, NOW_MS, taVsSentiment } from './coordinator-fixtures.ts';
import { pick, randomReplyText, randomReplyValue, seededRandom, type Random } from './random-replies.ts';

const MODEL = 'deepseek/deepseek-chat';
const D = Decimal.clone({ precision: 60 });

interface Case {
  signal: SignalUnderReview;
  conflicts: Conflict[];
  allowed: readonly ResolutionAction[];
  maxLeverage: number;
  maxEntryDistancePct: number;
  marketPrice: string;
}

/** A random signal, conflicts and bounds: every action, sizes from 0, entries in and out of the band. */
function randomCase(rng: Random): Case {
  const marketPrice = pick(rng, [
    '68600.5',
    '0.00001234',
    '1',
    '123456789.12345678',
    '2.5',
    (1 + rng() * 1e5).toFixed(Math.floor(rng() * 9)),
  ]);
  const market = Number(marketPrice);
  const signal = aSignal({
    action: pick(rng, ['BUY', 'BUY', 'SELL', 'SELL', 'CLOSE', 'HOLD'] as const),
    confidence: rng(),
    sizePct: pick(rng, [0, 100, 5, rng() * 100]),
    leverage: pick(rng, [1, 2, 5, 1 + rng() * 4]),
    entryPrice: rng() < 0.2 ? null : (market * (0.5 + rng())).toFixed(Math.floor(rng() * 10)),
  });
  const conflicts = [againstRegime, taVsSentiment, confidenceGap].filter(() => rng() < 0.5);
  return {
    signal,
    conflicts,
    allowed: allowedActions(signal, conflicts),
    maxLeverage: pick(rng, [1, 2, 3, 5, 1 + rng() * 4]),
    maxEntryDistancePct: pick(rng, [0, 0.5, 1, 10, rng() * 10]),
    marketPrice,
  };
}

/** Every way a resolution can break its contract, as readable lines (empty when it holds). */
function violations(result: Resolution, c: Case): string[] {
  const out: string[] = [];
  const parsed = Resolution.safeParse(result);
  if (!parsed.success) out.push(`fails the Resolution schema: ${parsed.error.message}`);
  if (!c.allowed.includes(result.action)) out.push(`action ${result.action} not in ${c.allowed.join('|')}`);
  if (result.reasoning.length > 1_001) out.push(`reasoning of ${result.reasoning.length} chars`);
  if (result.action === 'modify') {
    const cap = Math.max(1, Math.min(c.signal.leverage, c.maxLeverage));
    const market = new D(c.marketPrice);
    const low = market.times(new D(1).minus(new D(c.maxEntryDistancePct).div(100)));
    const high = market.times(new D(1).plus(new D(c.maxEntryDistancePct).div(100)));
    const entry = new D(result.entryPrice);
    if (!(result.sizeCutPct >= 0 && result.sizeCutPct <= 100)) out.push(`sizeCutPct ${result.sizeCutPct}`);
    if (!(result.sizePct >= 0 && result.sizePct <= c.signal.sizePct))
      out.push(`sizePct ${result.sizePct} for a signal of ${c.signal.sizePct}`);
    if (!(result.leverage >= 1 && result.leverage <= cap)) out.push(`leverage ${result.leverage} above ${cap}`);
    if (!entry.gt(0) || entry.lt(low) || entry.gt(high))
      out.push(`entry ${result.entryPrice} outside [${low.toFixed()}, ${high.toFixed()}]`);
  }
  return out;
}

describe('resolver fuzz: 1,000 random replies through validation and bounding', () => {
  it('never throws, only answers allowed actions, and keeps every number within its bounds', () => {
    const rng = seededRandom(20_240_611);
    const problems: string[] = [];
    const actions: Record<string, number> = { proceed: 0, wait: 0, modify: 0, abort: 0 };
    let unparsable = 0;
    let clampedModifies = 0;

    for (let i = 0; i < 1_000; i++) {
      const c = randomCase(rng);
      const bounds = {
        allowed: c.allowed,
        maxLeverage: c.maxLeverage,
        maxEntryDistancePct: c.maxEntryDistancePct,
        marketPrice: c.marketPrice,
      };
      const value = randomReplyValue(rng, Number(c.marketPrice));
      const text = randomReplyText(rng, Number(c.marketPrice));
      try {
        // As a value (what the gateway hands over), and as text (what a model sends).
        const direct = boundResolution(value, c.signal, bounds, MODEL);
        const read = parseModelReply(text, ResolverReply);
        if (!read.ok) unparsable++;
        const fromText = read.ok ? boundResolution(read.value, c.signal, bounds, MODEL) : fallbackWait(read.error);

        for (const [label, result] of [
          ['value', direct],
          ['text', fromText],
        ] as const) {
          actions[result.action]! += 1;
          for (const v of violations(result, c))
            problems.push(`#${i} ${label} ${JSON.stringify(label === 'value' ? value : text).slice(0, 200)}: ${v}`);
        }
        // A valid reply with an allowed action is kept (bounded), never silently turned into wait.
        const valid = ResolverReply.safeParse(value);
        if (valid.success && c.allowed.includes(valid.data.action)) {
          if (direct.action !== valid.data.action || direct.source !== MODEL)
            problems.push(`#${i}: valid ${valid.data.action} became ${direct.action} (${direct.reasoning})`);
          const r = valid.data;
          const market = new D(c.marketPrice);
          const entry = r.entryPrice === null || r.entryPrice === undefined ? undefined : new D(String(r.entryPrice));
          const farEntry =
            entry !== undefined && entry.minus(market).abs().gt(market.times(c.maxEntryDistancePct).div(100));
          const cut = r.sizeCutPct ?? 0;
          const leverage = r.leverage ?? 1;
          const outOfRange = cut < 0 || cut > 100 || leverage < 1 || leverage > c.maxLeverage || farEntry;
          if (r.action === 'modify' && outOfRange) clampedModifies++;
        }
      } catch (err) {
        problems.push(
          `#${i} threw ${String(err)} on ${JSON.stringify(value).slice(0, 200)} / ${JSON.stringify(text).slice(0, 200)}`,
        );
      }
    }

    expect(problems.slice(0, 10)).toEqual([]);
    // The generator must exercise every branch, or this test proves nothing.
    for (const action of ['proceed', 'wait', 'modify', 'abort'])
      expect(actions[action], action).toBeGreaterThanOrEqual(30);
    expect(unparsable).toBeGreaterThanOrEqual(100);
    expect(clampedModifies).toBeGreaterThanOrEqual(20);
  });
});

describe('resolver fuzz: 20 random replies through the gateway and the model server', () => {
  let server: ModelServer;
  beforeEach(async () => {
    server = await startModelServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('ends every resolution in an allowed, bounded answer', async ({ fileDatabase: t }) => {
    const rng = seededRandom(7);
    const llm = llmConfigFor(server, { timeoutMs: 5_000 });
    const gateway = createGateway(t.db, llm);
    const coordinator = CoordinatorConfig.parse({});
    const problems: string[] = [];
    const sources = new Set<string>();

    for (let i = 0; i < 20; i++) {
      const c = randomCase(rng);
      // Always a conflicted entry or exit, so that a model is asked.
      const signal = c.signal.action === 'HOLD' ? aSignal({ ...c.signal, action: 'BUY' }) : c.signal;
      const conflicts = c.conflicts.length === 0 ? [confidenceGap] : c.conflicts;
      const kase: Case = {
        ...c,
        signal,
        conflicts,
        allowed: allowedActions(signal, conflicts),
        maxEntryDistancePct: coordinator.resolver.maxEntryDistancePct,
      };
      server.script('deepseek-chat', { kind: 'reply', text: randomReplyText(rng, Number(c.marketPrice)) });
      server.script('claude-sonnet-4-6', { kind: 'reply', text: randomReplyText(rng, Number(c.marketPrice)) });

      const result = await resolveConflict({
        gateway,
        config: { coordinator, llm, maxLeverage: c.maxLeverage },
        signal,
        conflicts,
        view: aView(),
        marketPrice: c.marketPrice,
        nowMs: NOW_MS,
        correlationId: `fuzz-${i}`,
      });
      sources.add(result.source);
      for (const v of violations(result, kase)) problems.push(`#${i}: ${v}`);
    }

    expect(problems).toEqual([]);
    expect(server.requests.length).toBeGreaterThanOrEqual(20);
    // Both failures and model answers occurred.
    expect(sources.has('fallback_wait')).toBe(true);
    expect(sources.size).toBeGreaterThanOrEqual(2);
  });
});
