import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../support/spawn-ts.ts';
import { scaled } from '../support/test-timing.ts';

const run = promisify(execFile);

describe('triplegain explain', () => {
  // Help only: it opens no database. The chain itself is tested in-process (explain-chain.test.ts).
  it('is registered, taking one id and --json', { timeout: scaled(60_000) }, async () => {
    const { stdout } = await run(process.execPath, ['bin/triplegain.mjs', 'explain', '--help'], { cwd: projectRoot });
    expect(stdout).toContain('Usage: triplegain explain [options] <id>');
    expect(stdout).toMatch(/a signal id .*proposal id/s);
    expect(stdout).toContain('--json');
  });
});
