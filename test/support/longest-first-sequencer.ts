import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Where `npm run test:durations` keeps each test file's duration, in seconds, by path. */
export const DURATIONS_FILE = 'test/durations.json';

/**
 * Runs the test files longest first, so the long ones (the demo's replays, the CLI's child
 * processes) start with the run instead of whenever the alphabet reaches them, and the short
 * ones fill in at the end: on two cores, a long file starting late held the whole run up.
 *
 * A file's duration is the one vitest cached from this machine's last run, else the one
 * recorded in `test/durations.json` (a fresh clone has no cache), else unknown: unknown files
 * and those that failed last run go first, as vitest's own order has them.
 */
export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const recorded = readRecordedDurations(root);
    const weight = (spec: TestSpecification): number => {
      const path = relative(root, spec.moduleId);
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`);
      if (cached) return cached.failed ? Infinity : cached.duration / 1000;
      return recorded[path] ?? Infinity;
    };
    const weights = new Map(files.map((spec) => [spec, weight(spec)]));
    return [...files].sort((a, b) => weights.get(b)! - weights.get(a)!);
  }
}

function readRecordedDurations(root: string): Record<string, number> {
  try {
    return JSON.parse(readFileSync(`${root}/${DURATIONS_FILE}`, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}
