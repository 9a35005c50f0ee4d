import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestSpecification, Vitest } from 'vitest/node';
import { DURATIONS_FILE, LongestFirstSequencer } from './longest-first-sequencer.ts';

describe('the longest-first order of test files', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'tgtest-sequencer-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  /** The sequencer over a vitest whose cache holds `cached` (path → duration in ms, failed). */
  const sequencer = (cached: Record<string, { duration: number; failed: boolean }>) =>
    new LongestFirstSequencer({
      config: { root },
      cache: { getFileTestResults: (key: string) => cached[key.slice(key.indexOf(':') + 1)] },
    } as unknown as Vitest);
  const spec = (path: string) => ({ moduleId: join(root, path), project: { name: '' } }) as TestSpecification;
  const order = async (s: LongestFirstSequencer, paths: string[]) =>
    (await s.sort(paths.map(spec))).map((f) => f.moduleId.slice(root.length + 1));

  it('runs what a fresh clone knows from test/durations.json longest first, files it does not know first of all', async () => {
    await mkdir(join(root, 'test'));
    await writeFile(
      join(root, DURATIONS_FILE),
      JSON.stringify({ 'test/a.test.ts': 1.5, 'test/b.test.ts': 40, 'test/c.test.ts': 0 }),
    );
    expect(
      await order(sequencer({}), ['test/a.test.ts', 'test/c.test.ts', 'test/new.test.ts', 'test/b.test.ts']),
    ).toEqual(['test/new.test.ts', 'test/b.test.ts', 'test/a.test.ts', 'test/c.test.ts']);
  });

  it("prefers this machine's cached durations, and runs last run's failures first", async () => {
    await mkdir(join(root, 'test'));
    await writeFile(join(root, DURATIONS_FILE), JSON.stringify({ 'test/a.test.ts': 1, 'test/b.test.ts': 40 }));
    const cached = {
      'test/a.test.ts': { duration: 60_000, failed: false },
      'test/c.test.ts': { duration: 10, failed: true },
    };
    expect(await order(sequencer(cached), ['test/a.test.ts', 'test/b.test.ts', 'test/c.test.ts'])).toEqual([
      'test/c.test.ts',
      'test/a.test.ts',
      'test/b.test.ts',
    ]);
  });

  it('keeps the given order when there is no durations file and no cache', async () => {
    expect(await order(sequencer({}), ['test/z.test.ts', 'test/a.test.ts'])).toEqual([
      'test/z.test.ts',
      'test/a.test.ts',
    ]);
  });
});
