// `npm run test:durations`: writes test/durations.json from the durations vitest cached in its
// last run on this machine (node_modules/.vite/vitest/*/results.json), so a fresh clone runs
// the test files longest first too (`LongestFirstSequencer`). Run it after a whole `npm test`
// once test files were added or their durations changed much.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DURATIONS_FILE } from './longest-first-sequencer.ts';

const cacheRoot = 'node_modules/.vite/vitest';
const results = new Map<string, number>();
for (const dir of await readdir(cacheRoot).catch(() => [])) {
  const file = join(cacheRoot, dir, 'results.json');
  const cached = JSON.parse(await readFile(file, 'utf8').catch(() => '{"results":[]}')) as {
    results: [string, { duration: number }][];
  };
  for (const [key, { duration }] of cached.results) results.set(key.slice(key.indexOf(':') + 1), duration);
}
if (results.size === 0) throw new Error(`no durations cached under ${cacheRoot}: run npm test first`);
const durations = Object.fromEntries(
  [...results].sort(([a], [b]) => a.localeCompare(b)).map(([path, ms]) => [path, Math.round(ms / 100) / 10]),
);
await writeFile(DURATIONS_FILE, `${JSON.stringify(durations, null, 2)}\n`);
console.log(`${DURATIONS_FILE}: ${results.size} test files`);
