import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitTimeoutMs } from './test-timing.ts';

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface TsProcess {
  child: ChildProcess;
  /** Everything the process printed on stdout so far. */
  output(): string;
  /** Resolves when stdout contains `text`. */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

/**
 * Runs a file in a child process: a TypeScript file through tsx; `bin/triplegain.mjs` as an
 * operator runs it, which picks the compiled build itself (tsx's loader under the build would
 * cost about 3 s of CPU per process for nothing).
 */
export function spawnTs(file: string, env: Record<string, string>, args: string[] = []): TsProcess {
  const loader = file.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...loader, file, ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    waitForOutput(text, timeoutMs = waitTimeoutMs) {
      return new Promise((resolve, reject) => {
        const matches = () => (typeof text === 'string' ? out.includes(text) : text.test(out));
        if (matches()) return resolve();
        const timer = setTimeout(
          () => reject(new Error(`no ${String(text)} in output after ${timeoutMs} ms; stdout: ${out}; stderr: ${err}`)),
          timeoutMs,
        );
        const onData = () => {
          if (matches()) {
            clearTimeout(timer);
            child.stdout!.off('data', onData);
            resolve();
          }
        };
        child.stdout!.on('data', onData);
        child.on('exit', () => {
          if (!matches()) {
            clearTimeout(timer);
            reject(new Error(`process exited before ${String(text)}; stdout: ${out}; stderr: ${err}`));
          }
        });
      });
    },
  };
}
