// Whether the compiled build in dist/ may run: it exists and is at least as new as every file in
// src/. Used by bin/triplegain.mjs (which otherwise runs the sources through tsx) and by the
// tests' set-up (which otherwise builds first, so that the processes tests start run the build).
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../', import.meta.url));
export const builtEntry = `${projectRoot}dist/cli/main.js`;

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

export function buildIsFresh() {
  const builtAt = mtime(builtEntry);
  return builtAt >= 0 && builtAt >= newest(`${projectRoot}src`);
}
