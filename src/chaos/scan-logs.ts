import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What the cluster's processes logged during a run. */
export interface LogCounts {
  processes: number;
  /** Lines at pino level error or fatal (≥ 50). */
  errorLines: number;
  /** Lines naming ECONNREFUSED: an outage should cost one line per process, not one per attempt. */
  refusedLines: number;
}

/** Counts the error lines and connection-refused lines of every `*.log` in `dir`. */
export async function scanLogs(dir: string): Promise<LogCounts> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.log'));
  let errorLines = 0;
  let refusedLines = 0;
  for (const file of files) {
    for (const line of (await readFile(join(dir, file), 'utf8')).split('\n')) {
      if (/"level":(5\d|6\d)\b/.test(line)) errorLines += 1;
      if (line.includes('ECONNREFUSED')) refusedLines += 1;
    }
  }
  return { processes: files.length, errorLines, refusedLines };
}
