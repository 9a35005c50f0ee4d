import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/run-demo.ts';
import { testRedisUrl } from '../support/test-redis.ts';
import { scaled } from '../support/test-timing.ts';

describe('a replay with strategy files in the panel', () => {
  let dir: string;
  const saved = process.env.REDIS_URL;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgtest-strategy-replay-'));
    process.env.REDIS_URL = testRedisUrl;
  });
  afterEach(async () => {
    if (saved === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = saved;
    await rm(dir, { recursive: true, force: true });
  });

  async function panelConfig(strategy: string): Promise<string> {
    const file = join(dir, 'panel.yaml');
    await writeFile(file, `agents:\n  decision:\n    panel:\n      - strategy: ${strategy}\n`);
    return file;
  }

  it(
    'trades exactly as the built-in rules model when the panel is strategies/rules.ts instead',
    async () => {
      const report = await runDemo({
        configFile: await panelConfig('strategies/rules.ts'),
        from: '2021-11-01',
        days: 3,
        reportDir: dir,
      });

      // The orders and fills of the same days with the built-in model (test/demo/run-demo.test.ts).
      const recorded = JSON.parse(
        await readFile(join(import.meta.dirname, '../fixtures/replay/executions-2021-11-01-3d.json'), 'utf8'),
      );
      expect(report.executions).toEqual(recorded);
      expect(report.models).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ provider: 'strategy', model: 'strategy:rules', outcome: 'ok', calls: 144 }),
        ]),
      );
    },
    scaled(180_000),
  );

  it(
    'trades nothing on a strategy whose every vote is invalid: it abstains on each bar',
    async () => {
      const strategy = join(dir, 'overconfident.ts');
      await writeFile(strategy, "export default { decide: () => ({ action: 'BUY', confidence: 7 }) };\n");

      const report = await runDemo({
        configFile: await panelConfig(strategy),
        from: '2021-11-01',
        days: 1,
        reportDir: dir,
      });

      expect(report.signals).toEqual({ HOLD: 48 });
      expect(report.executions.orders.filter((o) => o.purpose !== 'rebalance')).toEqual([]);
      expect(report.models).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            provider: 'strategy',
            model: 'strategy:overconfident',
            outcome: 'invalid',
            calls: 48,
            reason: 'invalid vote: confidence: Too big: expected number to be <=1',
          }),
        ]),
      );
      expect(report.audit.violations).toEqual([]);
    },
    scaled(120_000),
  );

  it('refuses to start on a strategy with a syntax error, naming the file and line, before any bar', async () => {
    const strategy = join(dir, 'typo.ts');
    await writeFile(strategy, "export default {\n  decide: () => ({ action: 'BUY' confidence: 1 }),\n};\n");

    await expect(
      runDemo({
        configFile: await panelConfig(strategy),
        from: '2021-11-01',
        days: 1,
        reportDir: join(dir, 'reports'),
      }),
    ).rejects.toThrow(
      /agents\.decision\.panel\[0\]: strategy .*typo\.ts cannot be loaded: [\s\S]*typo\.ts:2:33: ERROR: Expected "}" but found "confidence"/,
    );
    expect(await readdir(dir)).toEqual(expect.not.arrayContaining(['reports']));
  });
});
