import { execFileSync } from 'node:child_process';
import { buildIsFresh, projectRoot } from '../../bin/build-is-fresh.mjs';

/**
 * Builds `dist/` (`npm run build`) when it is older than `src/`. The CLI processes the tests
 * start run `bin/triplegain.mjs`, which runs a stale build's sources through tsx instead: about
 * 3 s more CPU for each of the eighty or so processes a run starts, against about 30 s for the
 * build. A build that fails is reported and the run goes on (on the sources, through tsx).
 */
export function ensureFreshBuild(): void {
  if (buildIsFresh()) return;
  console.log('dist/ is older than src/: building it (npm run build) for the processes the tests start');
  try {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: projectRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (err) {
    console.warn(`npm run build failed (${(err as Error).message}); the CLI tests run the sources through tsx`);
  }
}
