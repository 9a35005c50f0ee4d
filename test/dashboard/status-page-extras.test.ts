import { describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { llmCalls, type NewLlmCallRow } from '../../src/db/schema/llm-calls.ts';
import { portfolioSnapshots } from '../../src/db/schema/portfolio-snapshots.ts';
import { riskDecisions } from '../../src/db/schema/risk-decisions.ts';
import { csrfTokens } from '../../src/dashboard/status-page/csrf-tokens.ts';
import { readDenialsByRule } from '../../src/dashboard/status-page/read-denials-by-rule.ts';
import { readEquityCurve, withDrawdown } from '../../src/dashboard/status-page/read-equity-curve.ts';
import { readModelSpend } from '../../src/dashboard/status-page/read-model-spend.ts';
import { readRecentSignals } from '../../src/dashboard/status-page/read-recent-signals.ts';
import { readStatusPageExtras } from '../../src/dashboard/status-page/read-status-page-extras.ts';
import { StatusPageExtras } from '../../src/dashboard/status-page/status-page-extras.ts';
import { saveTradingSignal } from '../../src/signals/trading-signal-store.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2024, 2, 5, 15);
const TODAY = Date.UTC(2024, 2, 5);

describe('withDrawdown', () => {
  it('measures each point from the highest equity up to it, 0 at every new peak', () => {
    const points = withDrawdown(
      ['1000', '1100', '990', '1045', '1200', '600'].map((equityUsd, i) => ({ atMs: i, equityUsd })),
    );
    expect(points.map((p) => p.drawdownPct)).toEqual(['0.0000', '0.0000', '10.0000', '5.0000', '0.0000', '50.0000']);
  });

  it('gives 0 while the peak is zero or below: there is nothing to fall from', () => {
    expect(
      withDrawdown([
        { atMs: 0, equityUsd: '0' },
        { atMs: 1, equityUsd: '-5' },
      ]).map((p) => p.drawdownPct),
    ).toEqual(['0.0000', '0.0000']);
  });
});

describe('csrfTokens', () => {
  it("accepts the user's own token only: not another user's, another process's, a prefix or nothing", () => {
    const tokens = csrfTokens();
    const token = tokens.tokenFor('admin');
    expect(tokens.verify('admin', token)).toBe(true);
    expect(tokens.verify('other', token)).toBe(false);
    expect(tokens.verify('admin', csrfTokens().tokenFor('admin'))).toBe(false);
    expect(tokens.verify('admin', token.slice(0, -1))).toBe(false);
    expect(tokens.verify('admin', '')).toBe(false);
    expect(tokens.verify('admin', undefined)).toBe(false);
  });
});

describe('the status page extras, read from PostgreSQL', () => {
  const snapshot = (account: string, atMs: number, equityUsd: string) => ({
    account,
    at: new Date(atMs),
    equityUsd,
    cashUsd: equityUsd,
    exposureUsd: '0',
    unrealizedPnlUsd: '0',
    realizedPnlUsd: '0',
    feesUsd: '0',
    positions: [],
  });

  it("charts one account's latest snapshots, oldest first, with the drawdown within them", async ({ database: d }) => {
    await d.db
      .insert(portfolioSnapshots)
      .values([
        snapshot('paper', NOW - 3 * HOUR, '900'),
        snapshot('paper', NOW - 2 * HOUR, '1000'),
        snapshot('paper', NOW - HOUR, '950'),
        snapshot('paper', NOW, '980.5'),
        snapshot('kraken', NOW, '5'),
      ]);
    expect(await readEquityCurve(d.db, 'paper', 3)).toEqual([
      { atMs: NOW - 2 * HOUR, equityUsd: '1000', drawdownPct: '0.0000' },
      { atMs: NOW - HOUR, equityUsd: '950', drawdownPct: '5.0000' },
      { atMs: NOW, equityUsd: '980.5', drawdownPct: '1.9500' },
    ]);
    expect(await readEquityCurve(d.db, 'none')).toEqual([]);
  });

  it("counts today's denials by rule, a denial with two reasons under both, approvals and yesterday's not at all", async ({
    database: d,
  }) => {
    const decision = (id: string, decision: 'approved' | 'denied', rules: string[], createdAtMs: number) => ({
      decisionId: `${decision === 'approved' ? 'appr' : 'deny'}-${id}`,
      proposalId: id,
      signalId: `sig-${id}`,
      correlationId: `corr-${id}`,
      symbol: 'BTC/USD',
      decision,
      proposal: {},
      adjustments: [],
      reasons: rules.map((rule) => ({ rule, message: `${rule} said no` })),
      riskState: {},
      createdAt: new Date(createdAtMs),
    });
    await d.db
      .insert(riskDecisions)
      .values([
        decision('p1', 'denied', ['max_exposure'], TODAY + HOUR),
        decision('p2', 'denied', ['max_exposure', 'free_cash'], TODAY + 2 * HOUR),
        decision('p3', 'denied', ['cooldown'], TODAY + 3 * HOUR),
        decision('p4', 'denied', ['cooldown'], TODAY - HOUR),
        decision('p5', 'approved', [], TODAY + HOUR),
      ]);
    expect(await readDenialsByRule(d.db, TODAY)).toEqual([
      { rule: 'max_exposure', count: 2 },
      { rule: 'cooldown', count: 1 },
      { rule: 'free_cash', count: 1 },
    ]);
  });

  it("sums today's model spend against the budget; calls counts requests made, not cached replies or budget refusals", async ({
    database: d,
  }) => {
    const call = (occurredAtMs: number, costUsd: string, outcome: NewLlmCallRow['outcome']): NewLlmCallRow => ({
      occurredAt: new Date(occurredAtMs),
      provider: 'p',
      model: 'm',
      purpose: 'decision',
      outcome,
      costUsd,
    });
    await d.db
      .insert(llmCalls)
      .values([
        call(TODAY + HOUR, '0.125', 'ok'),
        call(TODAY + 2 * HOUR, '0.000000000000000001', 'invalid'),
        call(TODAY + 3 * HOUR, '0', 'cached'),
        call(TODAY + 4 * HOUR, '0', 'budget_exhausted'),
        call(TODAY - 1, '3', 'ok'),
        call(TODAY + DAY, '4', 'ok'),
      ]);
    expect(await readModelSpend(d.db, NOW, 5)).toEqual({
      dayStartMs: TODAY,
      spentUsd: '0.125000000000000001',
      budgetUsd: '5',
      calls: 2,
    });
    expect(await readModelSpend(d.db, NOW + 2 * DAY, 0.5)).toEqual({
      dayStartMs: TODAY + 2 * DAY,
      spentUsd: '0',
      budgetUsd: '0.5',
      calls: 0,
    });
  });

  it('lists the latest signals, newest first, with each vote and abstention', async ({ database: d }) => {
    for (const [i, action] of (['BUY', 'HOLD', 'SELL'] as const).entries()) {
      await saveTradingSignal(d.db, {
        signalId: `sig-${i}`,
        symbol: 'BTC/USD',
        timeframe: '1h',
        candleOpenTimeMs: NOW + i * HOUR,
        withSentiment: false,
        degradationLevel: 'NORMAL',
        correlationId: `corr-${i}`,
        decision: {
          action,
          confidence: 0.7,
          agreement: 0.6,
          entryPrice: null,
          stopLoss: null,
          takeProfit: null,
          sizePct: 1,
          leverage: 1,
          votes: [
            { model: 'alpha', action, confidence: 0.8 },
            { model: 'beta', action: 'HOLD', confidence: 0.4 },
          ],
          abstentions: [{ model: 'gamma', reason: 'timeout' }],
          reasons: [{ model: 'alpha', reasoning: 'because' }],
        },
      });
    }
    const signals = await readRecentSignals(d.db, 2);
    expect(signals.map((s) => s.signalId)).toEqual(['sig-2', 'sig-1']);
    expect(signals[0]).toMatchObject({
      symbol: 'BTC/USD',
      action: 'SELL',
      confidence: 0.7,
      agreement: 0.6,
      abstentions: [{ model: 'gamma', reason: 'timeout' }],
    });
    expect(signals[0]!.votes).toEqual([
      { model: 'alpha', action: 'SELL', confidence: 0.8 },
      { model: 'beta', action: 'HOLD', confidence: 0.4 },
    ]);
  });

  it('puts them together in a document that passes its own schema', async ({ database: d }) => {
    await d.db.insert(portfolioSnapshots).values([snapshot('paper', NOW, '1000')]);
    const extras = await readStatusPageExtras({ db: d.db, account: 'paper', budgetUsd: 5, nowMs: NOW });
    expect(StatusPageExtras.parse(extras)).toEqual(extras);
    expect(extras.denials.sinceMs).toBe(TODAY);
    expect(extras.equity).toHaveLength(1);
  });
});
