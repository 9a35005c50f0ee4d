import { defineConfig } from 'vitest/config';
import { testTimeoutMs } from './test/support/test-timing.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ when a source is newer, finds the PostgreSQL and Redis to use (or starts
    // private ones when none answers), and drops the run's test schemas at the end.
    globalSetup: ['test/support/global-setup.ts'],
    // Tests share one real Redis and one real PostgreSQL; every test uses its own key prefix
    // and schema, so files may run in parallel. Two forks on two cores: a third was about 14 %
    // quicker on an idle machine (280 s against 326 s), but with a demo running beside it each
    // loaded run failed one timing-bound test.
    pool: 'forks',
    // Files share their fork's module cache: importing ccxt, bullmq and the SDKs once per fork
    // instead of once per file took the suite from 403 s to 297 s on two cores. Safe because
    // no test mocks a module (vi.mock would leak into the next file) and every test owns its
    // key prefix and schema.
    isolate: false,
    maxWorkers: 2,
    // One setting for every timeout and wait in the tests: TEST_TIME_SCALE (test/support/test-timing.ts).
    testTimeout: testTimeoutMs,
    hookTimeout: testTimeoutMs,
    reporters: ['default'],
  },
});
