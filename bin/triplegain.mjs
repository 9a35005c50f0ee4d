#!/usr/bin/env node
// Runs the CLI from its compiled JavaScript in dist/ (built by `npm ci` through `prepare`, or by
// `npm run build`) when that build is at least as new as every source file; otherwise — no
// build, or a source edited since — from the TypeScript sources through tsx, so an edit takes
// effect without a build step and a stale build never runs. The compiled start is what makes a
// command quick: compiling the sources on the fly costs seconds of CPU on a cold cache, and the
// kill switch is only as fast as its slowest way in.
import { buildIsFresh, builtEntry } from './build-is-fresh.mjs';

if (buildIsFresh()) {
  await import(builtEntry);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
