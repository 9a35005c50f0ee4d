import { describe, expect, it } from 'vitest';
import { spawnTs } from '../support/spawn-ts.ts';
import { scaled } from '../support/test-timing.ts';

describe('a PostgreSQL connection terminated while in use', () => {
  it(
    'fails the query it was running, and the process lives on with the pool answering again',
    async () => {
      const proc = spawnTs('test/fixtures/terminated-backend-process.ts', {});
      await proc.waitForOutput('alive 1', scaled(30_000));
      expect(proc.output()).toContain('query failed');
      expect(await proc.exited).toBe(0);
    },
    scaled(60_000),
  );
});
