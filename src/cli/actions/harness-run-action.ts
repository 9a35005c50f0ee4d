import { HarnessInterrupted } from '../../chaos/harness-interrupted.ts';

/** What `chaos` and `rehearse` end with: the lines to print and why the run failed (empty: passed). */
export interface HarnessSummary {
  lines: string[];
  failures: string[];
}

/**
 * Runs a harness (`chaos`, `rehearse`) with its progress on stdout, then prints its summary:
 * exit code 1 with a `FAILED: …` line when it failed; on Ctrl-C or SIGTERM the harness has
 * released everything, and the exit code is 130 or 143.
 */
export async function harnessRunAction(run: (say: (line: string) => void) => Promise<HarnessSummary>): Promise<void> {
  const summary = await run((line) => console.log(line)).catch((err: unknown) => {
    if (!(err instanceof HarnessInterrupted)) throw err;
    console.log(`${err.message}: stopped`);
    process.exitCode = err.exitCode;
    return undefined;
  });
  if (summary === undefined) return;
  for (const line of summary.lines) console.log(line);
  if (summary.failures.length > 0) {
    console.log(`FAILED: ${summary.failures.join('; ')}`);
    process.exitCode = 1;
  }
}
