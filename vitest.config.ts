import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './test/support/longest-first-sequencer.ts';
import { testTimeoutMs } from './test/support/test-timing.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ when a source is newer, finds the PostgreSQL and Redis to use (or starts
    // private ones when none answers), and drops the run's test schemas at the end.
    globalSetup: ['test/support/global-setup.ts'],
    // Tests share one real Redis and one real PostgreSQL; every test uses its own key prefix
    // and schema, so files may run in parallel. Four forks on two cores: many files spend most
    // of their time waiting (on a child process, a lease, a timeout, Chromium), and with two
    // forks the suite kept the cores busy only about two thirds of the time. On an idle
    // two-core machine: 247 s with two forks, 197 s with three, 184 s with four (the same code,
    // back to back). The tests that were timing-bound under load were made to hold first.
    pool: 'forks',
    // Files share their fork's module cache: importing ccxt, bullmq and the SDKs once per fork
    // instead of once per file took the suite from 403 s to 297 s on two cores. Safe because
    // no test mocks a module (vi.mock would leak into the next file) and every test owns its
    // key prefix and schema.
    isolate: false,
    maxWorkers: 4,
    // The longest files first (test/durations.json where vitest has no cache, as in a fresh clone).
    sequence: { sequencer: LongestFirstSequencer },
    // One setting for every timeout and wait in the tests: TEST_TIME_SCALE (test/support/test-timing.ts).
    testTimeout: testTimeoutMs,
    hookTimeout: testTimeoutMs,
    reporters: ['default'],
  },
});
