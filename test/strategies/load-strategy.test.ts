import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StrategyRefConfig } from '../../src/config/fields/strategy-ref-config.ts';
import { projectRoot } from '../../src/shared/project-root.ts';
import { loadPanelStrategies } from '../../src/strategies/load-panel-strategies.ts';
import { loadStrategy } from '../../src/strategies/load-strategy.ts';

const WHERE = 'agents.decision.panel[0]';

describe('loading a strategy file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgtest-strategy-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function fileWith(name: string, source: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, source);
    return path;
  }

  const load = (strategy: string, params: Record<string, unknown> = {}) =>
    loadStrategy(StrategyRefConfig.parse({ strategy, params }), projectRoot, WHERE);

  it('loads the shipped examples, a factory made with its params', async () => {
    const rules = await load('strategies/rules.ts');
    const trend = await load('strategies/trend-follower.ts', { fast: 5, slow: 15 });

    expect(rules).toMatchObject({ model: 'strategy:rules', file: 'strategies/rules.ts', lookback: 1, weight: 1 });
    expect(trend).toMatchObject({ model: 'strategy:trend-5-15', lookback: 16, params: { fast: 5, slow: 15 } });
  });

  it('loads a TypeScript file outside the project, named by its absolute path, named after the file', async () => {
    const path = await fileWith(
      'always-hold.ts',
      "const hold = { decide: (): { action: 'HOLD'; confidence: number } => ({ action: 'HOLD', confidence: 0.5 }) };\nexport default hold;\n",
    );

    const loaded = await load(path);

    expect(loaded.model).toBe('strategy:always-hold');
    expect(await loaded.decide({} as never)).toEqual({ action: 'HOLD', confidence: 0.5 });
  });

  it.each([
    [
      'a syntax error, with its line and column',
      'syntax.ts',
      'export default {\n  decide( => 1,\n};\n',
      /syntax\.ts cannot be loaded: .*\n.*syntax\.ts:2:10: ERROR: /,
    ],
    [
      'a throw at its top level',
      'throws.ts',
      "throw new Error('no API key for my data feed');\n",
      /cannot be loaded: no API key for my data feed/,
    ],
    ['no default export', 'named.ts', 'export const strategy = { decide: () => null };\n', /has no default export/],
    ['a default export without decide', 'nodecide.ts', 'export default { name: "x" };\n', /does not export a Strategy/],
    ['a bad name', 'badname.ts', 'export default { name: "a b", decide: () => null };\n', /has name "a b"/],
    [
      'a bad lookback',
      'lookback.ts',
      'export default { lookback: 0, decide: () => null };\n',
      /has lookback 0: expected a whole number of bars from 1 to 2000/,
    ],
    ['a factory returning nothing', 'factory.ts', 'export default () => undefined;\n', /does not export a Strategy/],
  ])('refuses a file with %s, naming the panel entry and the file', async (_what, name, source, problem) => {
    const path = await fileWith(name, source);

    const failure = load(path);

    await expect(failure).rejects.toMatchObject({ code: 'CONFIG_INVALID', details: { path: WHERE, file: path } });
    await expect(failure).rejects.toThrow(problem);
    await expect(failure).rejects.toThrow(new RegExp(`^${WHERE.replace(/[[\].]/g, '\\$&')}: strategy `));
  });

  it('refuses a missing file and params the strategy refuses', async () => {
    await expect(load('strategies/missing.ts')).rejects.toThrow(
      `${WHERE}: strategy strategies/missing.ts not found (looked for strategies/missing.ts under the project's root)`,
    );
    await expect(load('strategies/trend-follower.ts', { fast: 50, slow: 20 })).rejects.toThrow(
      `${WHERE}: strategy strategies/trend-follower.ts refused its params {"fast":50,"slow":20}: param fast (50) must be below slow (20)`,
    );
  });

  it('stops at the first panel entry that cannot be loaded, naming its place', async () => {
    const broken = await fileWith('broken-second.ts', 'export default {;\n');

    await expect(
      loadPanelStrategies(
        [
          { provider: 'rules', model: 'rules', weight: 1 },
          StrategyRefConfig.parse({ strategy: 'strategies/rules.ts' }),
          StrategyRefConfig.parse({ strategy: broken }),
        ],
        projectRoot,
      ),
    ).rejects.toThrow(/^agents\.decision\.panel\[2\]: strategy .*broken-second\.ts cannot be loaded/);
  });
});
