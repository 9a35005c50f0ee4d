import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';
import { scaled } from '../support/test-timing.ts';

/**
 * Packages a command needs only when it runs. The CLI registers every command at start, so one
 * of these imported (directly or not) by `src/cli/main.ts` or a `register…` module costs every
 * invocation, `--help` included, its load time: commands load their work with `import()`.
 */
const HEAVY_PACKAGES = [
  'ccxt',
  'bullmq',
  'openai',
  '@anthropic-ai/sdk',
  '@electric-sql/pglite',
  'drizzle-orm',
  'ioredis',
  'pg',
  'pino',
  'express',
  '@bull-board/api',
  'zod',
];

describe('triplegain start-up', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgtest-lazy-commands-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the CLI with a loader hook recording every module it resolves; returns the packages among them. */
  async function packagesLoadedBy(args: string[]): Promise<{ stdout: string; packages: Set<string> }> {
    const log = join(dir, 'resolved.log');
    const { code, stdout, stderr } = await runCli(
      { TRIPLEGAIN_TEST_RESOLVED_LOG: log, NODE_OPTIONS: '--import ./test/fixtures/record-resolved-modules.mjs' },
      args,
      scaled(30_000),
    );
    expect(code, stderr).toBe(0);
    const urls = (await readFile(log, 'utf8')).split('\n').filter((u) => u !== '');
    const packages = new Set(urls.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []));
    return { stdout, packages };
  }

  it('loads no heavy package for --help', async () => {
    const { stdout, packages } = await packagesLoadedBy(['--help']);
    expect(stdout).toMatch(/^Usage: triplegain/);
    // The recorder saw the CLI's own start: the list below is not empty by accident.
    expect(packages).toContain('commander');
    expect(HEAVY_PACKAGES.filter((p) => packages.has(p))).toEqual([]);
  });

  it("loads a command's packages when it runs", async () => {
    const { stdout, packages } = await packagesLoadedBy(['config', 'check']);
    expect(stdout).toMatch(/^config OK: /);
    expect(packages).toContain('zod');
  });
});
