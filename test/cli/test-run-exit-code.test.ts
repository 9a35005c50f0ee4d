import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../support/spawn-ts.ts';
import { scaled } from '../support/test-timing.ts';

const run = promisify(execFile);

describe('a test run with a failing test', () => {
  it(
    'exits non-zero through the suite global setup, so CI fails',
    async () => {
      const outcome = await run(
        process.execPath,
        [
          join(projectRoot, 'node_modules/vitest/vitest.mjs'),
          'run',
          '--config',
          join(projectRoot, 'test/fixtures/failing-run/vitest.config.ts'),
        ],
        { cwd: projectRoot, env: { ...process.env }, timeout: scaled(60_000) },
      ).then(
        () => ({ code: 0, output: '' }),
        (err: { code: number; stdout: string; stderr: string }) => ({
          code: err.code,
          output: err.stdout + err.stderr,
        }),
      );
      expect(outcome.code).toBe(1);
      expect(outcome.output).toContain('fails on purpose');
    },
    scaled(90_000),
  );
});
