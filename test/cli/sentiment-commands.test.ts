import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSentimentInputs } from '../../src/agents/sentiment/sentiment-input-store.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { projectRoot } from '../support/spawn-ts.ts';
import { scaled } from '../support/test-timing.ts';

const run = promisify(execFile);

describe('triplegain sentiment add', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tg-sentiment-cli-'));
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  const cli = async (...args: string[]) => cliIn(join(dataDir, 'pglite'), ...args);
  const cliIn = async (pgliteDir: string, ...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['bin/triplegain.mjs', ...args], {
        cwd: projectRoot,
        env: { ...process.env, DATABASE_URL: '', TRIPLEGAIN_CONFIG: '', TRIPLEGAIN__DATABASE__PGLITE_DIR: pgliteDir },
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  // Each command starts a process that opens (and the first time creates) a PGlite database.
  it('stores a headline once in the configured database', { timeout: scaled(90_000) }, async () => {
    const first = await cli(
      'sentiment',
      'add',
      '--symbol',
      'BTC/USD',
      '--published-at',
      '2031-05-06T11:00:00Z',
      'Bitcoin',
      'ETF',
      'inflows',
      'hit a record',
    );
    expect(first).toMatchObject({ code: 0, stdout: 'stored 1 input for BTC/USD from cli\n' });
    const repeat = await cli('sentiment', 'add', '--symbol', 'BTC/USD', 'Bitcoin ETF inflows hit a record');
    expect(repeat).toMatchObject({ code: 0, stdout: 'already stored: the same text from cli for BTC/USD\n' });

    const database = await openDatabase({ pgliteDir: join(dataDir, 'pglite') });
    try {
      const stored = await loadSentimentInputs(database.db, 'BTC/USD', { sinceMs: 0, limit: 10 });
      expect(stored).toEqual([
        {
          id: expect.any(Number),
          symbol: 'BTC/USD',
          text: 'Bitcoin ETF inflows hit a record',
          source: 'cli',
          publishedAtMs: Date.UTC(2031, 4, 6, 11),
        },
      ]);
    } finally {
      await database.close();
    }
  });

  it('refuses a bad headline naming the field, before opening any database', { timeout: scaled(60_000) }, async () => {
    const pgliteDir = join(dataDir, 'untouched');
    const notTraded = await cliIn(pgliteDir, 'sentiment', 'add', '--symbol', 'DOGE/USD', 'Doge rallies');
    expect(notTraded.code).toBe(1);
    expect(notTraded.stderr).toContain(
      'error: invalid sentiment input: symbol: DOGE/USD is not one of symbols.pairs (BTC/USD, XRP/USD)',
    );
    const tooLong = await cliIn(pgliteDir, 'sentiment', 'add', '--symbol', 'XRP/USD', 'x'.repeat(2_001));
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toContain('error: invalid sentiment input: [0].text: must be at most 2000 characters');
    expect(existsSync(pgliteDir)).toBe(false);
  });
});
