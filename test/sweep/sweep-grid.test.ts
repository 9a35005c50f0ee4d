import { describe, expect, it } from 'vitest';
import { expandGrid } from '../../src/sweep/expand-grid.ts';
import { rankSweepResults } from '../../src/sweep/rank-sweep-results.ts';
import { renderSweepTable } from '../../src/sweep/render-sweep-table.ts';
import { sameFiguresEverywhere } from '../../src/sweep/same-figures-everywhere.ts';
import { setConfigPath } from '../../src/sweep/set-config-path.ts';
import type { SweepResult } from '../../src/sweep/sweep-result.ts';
import { SweepSpec } from '../../src/sweep/sweep-spec.ts';

function aResult(index: number, overrides: Partial<SweepResult> = {}): SweepResult {
  return {
    index,
    values: { 'llm.rules.stopLossAtr': index },
    returnPct: '0',
    strategyPnlUsd: '0',
    sharpe: null,
    sortino: null,
    maxDrawdownPct: '0',
    profitFactor: null,
    winRatePct: null,
    closedTrades: 0,
    feesUsd: '0',
    auditViolations: 0,
    worker: 'w',
    elapsedMs: 1,
    ...overrides,
  };
}

describe('a sweep grid', () => {
  it('expands to every combination, the last path varying fastest', () => {
    expect(expandGrid({ a: [1, 2], b: ['x', 'y', 'z'] })).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 1, b: 'z' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
      { a: 2, b: 'z' },
    ]);
  });

  it('refuses more than 1000 runs', () => {
    const ten = Array.from({ length: 10 }, (_, i) => i);
    expect(() => expandGrid({ a: ten, b: ten, c: ten, d: [1, 2] })).toThrow('the grid makes 2000 runs; at most 1000');
  });

  it('sets a value at a dotted path, making sections and changing a list item the base names', () => {
    const base = { agents: { decision: { panel: [{ strategy: 's.ts', params: { fast: 5 } }] } } };

    const tree = setConfigPath(
      setConfigPath(base, 'agents.decision.panel.0.params.fast', 10),
      'risk.maxPositionPct',
      5,
    );

    expect(tree).toEqual({
      agents: { decision: { panel: [{ strategy: 's.ts', params: { fast: 10 } }] } },
      risk: { maxPositionPct: 5 },
    });
    expect(base.agents.decision.panel[0]!.params.fast).toBe(5);
  });

  it('refuses an index into a list the base does not have, and a key under a value', () => {
    expect(() => setConfigPath({}, 'agents.decision.panel.0.weight', 2)).toThrow(
      'agents.decision.panel.0.weight: agents.decision.panel has no item 0',
    );
    expect(() => setConfigPath({ risk: { maxPositionPct: 5 } }, 'risk.maxPositionPct.x', 1)).toThrow(
      'risk.maxPositionPct.x: risk.maxPositionPct is not a section, it cannot have x',
    );
  });

  it.each([
    [{ days: 1, grid: { a: [1] } }, /from: /],
    [{ from: '2021-11-01', days: 1, to: '2021-11-03', grid: { a: [1] } }, /give days or to, not both/],
    [{ from: '2021-11-01', grid: {} }, /at least one config path/],
    [{ from: '2021-11-01', grid: { 'risk..x': [1] } }, /dotted config path/],
    [{ from: '2021-11-01', grid: { a: [] } }, /grid.a: /],
    [{ from: '2021-11-01', grid: { a: [1] }, metric: 'luck' }, /metric: /],
    [
      { from: '2021-11-01', grid: { 'risk.x': [{ y: 1 }] } },
      /grid\.risk\.x\.0: expected a number, a string or true\/false/,
    ],
    [{ from: '2021-11-01', grid: { a: [1] }, gird: 1 }, /gird/],
  ])('refuses a sweep file %#', (raw, problem) => {
    const parsed = SweepSpec.safeParse(raw);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')).toMatch(problem);
  });

  it('ranks best first: the highest figure, the lowest drawdown, a missing figure last, ties in grid order', () => {
    const results = [
      aResult(0, { sharpe: '0.5', maxDrawdownPct: '3' }),
      aResult(1, { sharpe: null, maxDrawdownPct: '1' }),
      aResult(2, { sharpe: '1.25', maxDrawdownPct: '3' }),
      aResult(3, { sharpe: '-2', maxDrawdownPct: '0.5' }),
    ];

    expect(rankSweepResults(results, 'sharpe').map((r) => r.index)).toEqual([2, 0, 3, 1]);
    expect(rankSweepResults(results, 'maxDrawdownPct').map((r) => r.index)).toEqual([3, 1, 0, 2]);
  });

  it('shows the ranking figure first among the figures, whichever it is, marked', () => {
    const results = [aResult(0, { strategyPnlUsd: '-3.5' }), aResult(1, { strategyPnlUsd: '12.25' })];
    const outcome = {
      sweepId: 's',
      period: { from: '2021-11-01', days: 1 },
      base: null,
      metric: 'strategyPnlUsd' as const,
      paths: ['llm.rules.stopLossAtr'],
      results: rankSweepResults(results, 'strategyPnlUsd'),
      failed: [],
    };

    const [header, first, second] = renderSweepTable(outcome).split('\n');

    expect(header).toMatch(/^#\s+run\s+llm\.rules\.stopLossAtr\s+strategy P&L ▼\s+return %\s+Sharpe/);
    expect(first).toMatch(/^1\s+1\s+1\s+12\.25\s+0\s/);
    expect(second).toMatch(/^2\s+0\s+0\s+-3\.5\s+0\s/);
  });

  it('tells a grid that changed nothing: two or more runs, equal in every figure whatever their values, workers and times', () => {
    const same = [aResult(0, { worker: 'a', elapsedMs: 5 }), aResult(1, { worker: 'b', elapsedMs: 9 })];

    expect(sameFiguresEverywhere(same)).toBe(true);
    expect(sameFiguresEverywhere([...same, aResult(2, { closedTrades: 1 })])).toBe(false);
    expect(sameFiguresEverywhere([aResult(0)])).toBe(false);
  });
});
