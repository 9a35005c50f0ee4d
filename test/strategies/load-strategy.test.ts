import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StrategyRefConfig } from '../../src/config/fields/strategy-ref-config.ts';
import { projectRoot } from '../../src/shared/project-root.ts';
import { loadPanelStrategies } from '../../src/strategies/load-panel-strategies.ts';
import { loadStrategy } from '../../src/strategies/load-strategy.ts';
import { misplacedLevels, StrategyVote } from '../../src/strategies/strategy-vote.ts';
import { whereInFile } from '../../src/strategies/where-in-file.ts';
import { TaIndicators } from '../../src/agents/ta/contract/ta-signal-emitted.ts';
import { aTaSignal } from '../support/builders.ts';
import { runCli } from '../support/run-cli.ts';

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
      "const key = '';\nif (key === '') throw new Error('no API key for my data feed');\n",
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
    [
      'a class as its default export',
      'klass.ts',
      'export default class Klass { decide() { return { action: "HOLD", confidence: 0 }; } }\n',
      /exports the class Klass as its default: export an instance \(export default new Klass\(\)\)/,
    ],
    [
      'an async factory',
      'asyncfactory.ts',
      'export default async () => ({ decide: () => ({ action: "HOLD", confidence: 0 }) });\n',
      /made its Strategy asynchronously \(the function of params returned a Promise\)/,
    ],
  ])('refuses a file with %s, naming the panel entry and the file', async (_what, name, source, problem) => {
    const path = await fileWith(name, source);

    const failure = load(path);

    await expect(failure).rejects.toMatchObject({ code: 'CONFIG_INVALID', details: { path: WHERE, file: path } });
    await expect(failure).rejects.toThrow(problem);
    await expect(failure).rejects.toThrow(new RegExp(`^${WHERE.replace(/[[\].]/g, '\\$&')}: strategy `));
  });

  it('refuses a missing file and params the strategy refuses', async () => {
    await expect(load('strategies/missing.ts')).rejects.toThrow(
      `${WHERE}: strategy strategies/missing.ts not found: there is no file ${join(projectRoot, 'strategies/missing.ts')}`,
    );
    await expect(load('strategies/trend-follower.ts', { fast: 50, slow: 20 })).rejects.toThrow(
      `${WHERE}: strategy strategies/trend-follower.ts refused its params {"fast":50,"slow":20}: param fast (50) must be below slow (20)`,
    );
  });

  it('refuses an unknown param of the shipped examples, and two panel entries of one name', async () => {
    await expect(load('strategies/trend-follower.ts', { fast: 20, slwo: 50 })).rejects.toThrow(
      'refused its params {"fast":20,"slwo":50}: unknown param slwo (known: fast, slow, stopAtr, targetAtr, sizePct, minConfidence)',
    );
    await expect(load('strategies/rules.ts', { stopLossATR: 2 })).rejects.toThrow('unknown param stopLossATR');
    await expect(
      loadPanelStrategies(
        [
          StrategyRefConfig.parse({ strategy: 'strategies/rules.ts', params: { maxSizePct: 5 } }),
          StrategyRefConfig.parse({ strategy: 'strategies/rules.ts', params: { maxSizePct: 10 } }),
        ],
        projectRoot,
      ),
    ).rejects.toThrow(
      'agents.decision.panel[1]: strategy strategies/rules.ts is named strategy:rules, as agents.decision.panel[0] is: give one another name',
    );
  });

  it('names the line of a throw in a strategy in strategies/, at its top level and in decide', async () => {
    const file = join(projectRoot, 'strategies', `.throws-${process.pid}.ts`);
    await writeFile(
      file,
      "const key: string = process.env.NO_SUCH_KEY ?? '';\nif (key === '') throw new Error('no API key');\nexport default {};\n",
    );
    const decides = join(projectRoot, 'strategies', `.decide-throws-${process.pid}.ts`);
    await writeFile(decides, "export default {\n  decide(): never {\n    throw new Error('boom');\n  },\n};\n");
    const config = join(dir, 'throws.yaml');
    await writeFile(config, `agents:\n  decision:\n    panel:\n      - strategy: ${file}\n`);
    try {
      // As an operator sees it (the test runner rewrites stack traces its own way).
      const check = await runCli({}, ['config', 'check', config]);
      expect(check.code).toBe(1);
      expect(check.stderr).toContain(`cannot be loaded: no API key (at ${file}:2:23)`);
      const strategy = await load(decides);
      const thrown = await Promise.resolve()
        .then(() => strategy.decide({} as never))
        .catch((err: unknown) => err);
      expect(whereInFile(thrown, strategy.path, strategy.file)).toMatch(
        new RegExp(` \\(at ${decides.replace(/\./g, '\\.')}:\\d+:\\d+\\)$`),
      );
    } finally {
      await rm(file, { force: true });
      await rm(decides, { force: true });
    }
  });

  it('runs the README example as written', async () => {
    const readme = await readFile(join(projectRoot, 'README.md'), 'utf8');
    const source = /```ts\n(\/\/ strategies\/my-strategy\.ts\n[\s\S]*?)```/.exec(readme)?.[1];
    expect(source).toBeDefined();
    // Where the README puts it: its imports are relative to strategies/.
    const file = join(projectRoot, 'strategies', `.readme-example-${process.pid}.ts`);
    await writeFile(file, source!);
    try {
      const strategy = await loadStrategy(
        StrategyRefConfig.parse({ strategy: file, params: { oversold: 35 } }),
        projectRoot,
        WHERE,
      );
      const indicators = TaIndicators.parse({ ...aTaSignal().indicators, rsi14: 30 });
      const input = {
        symbol: 'XRP/USD',
        timeframe: '1h',
        price: '1.1289',
        bars: [],
        ta: { bias: 'long' as const, confidence: 0.5, indicators: { ...indicators, atr14: '0.02' } },
        regime: { regime: 'ranging' as const, confidence: 0.5 },
        position: null,
        orders: [],
        account: null,
        params: { oversold: 35 },
      };

      const vote = StrategyVote.parse(await strategy.decide(input));

      expect(vote).toMatchObject({ action: 'BUY', stopLoss: '1.0889', takeProfit: '1.1889' });
      expect(misplacedLevels(vote, input.price)).toBeUndefined();
      // An entry waiting for its fill: no second BUY.
      const waiting = [
        {
          side: 'buy' as const,
          purpose: 'entry' as const,
          status: 'open' as const,
          quantity: '10',
          filledQuantity: '0',
          triggerPrice: null,
          limitPrice: null,
        },
      ];
      expect(await strategy.decide({ ...input, orders: waiting })).toMatchObject({ action: 'HOLD' });
      // Its params are checked as the README advises.
      for (const [params, problem] of [
        [{ oversol: 25 }, /unknown params: oversol/],
        [{ oversold: 'thirty' }, /oversold must be a number between 0 and 100, got "thirty"/],
      ] as const)
        await expect(
          loadStrategy(StrategyRefConfig.parse({ strategy: file, params }), projectRoot, WHERE),
        ).rejects.toThrow(problem);
    } finally {
      await rm(file, { force: true });
    }
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
