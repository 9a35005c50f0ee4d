#!/usr/bin/env node
// Runs the CLI from its compiled JavaScript in dist/ (built by `npm ci` through `prepare`, or by
// `npm run build`) when that build is at least as new as every source file; otherwise — no
// build, or a source edited since — from the TypeScript sources through tsx, so an edit takes
// effect without a build step and a stale build never runs. The compiled start is what makes a
// command quick: compiling the sources on the fly costs seconds of CPU on a cold cache, and the
// kill switch is only as fast as its slowest way in.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const built = `${root}dist/cli/main.js`;

/** Modification time of `path` in ms, or -1 when it does not exist. */
function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

/** Newest modification time among the files under `dir` (about 4 ms for the whole of src/). */
function newest(dir) {
  let latest = -1;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : mtime(path));
  }
  return latest;
}

const builtAt = mtime(built);
if (builtAt >= 0 && builtAt >= newest(`${root}src`)) {
  await import(built);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
