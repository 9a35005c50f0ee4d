import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { projectRoot } from './spawn-ts.ts';
import { waitTimeoutMs } from './test-timing.ts';

const run = promisify(execFile);

/**
 * Runs `bin/triplegain.mjs` with `args` and `env` over the process environment, to the end;
 * a CLI that hangs is killed after `timeoutMs` rather than left behind.
 */
export async function runCli(
  env: Record<string, string>,
  args: string[],
  timeoutMs = waitTimeoutMs,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/triplegain.mjs', ...args], {
      cwd: projectRoot,
      env: { ...process.env, ...env },
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
