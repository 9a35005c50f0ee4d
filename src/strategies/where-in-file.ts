/**
 * Where in `path` an error was thrown, from its stack: ` (at strategies/my.ts:12:9)` with the
 * file as configured, or '' when no frame of its stack is in that file (a compiler error names
 * its line in its message already). Source maps make the line the TypeScript source's.
 */
export function whereInFile(err: unknown, path: string, shown: string): string {
  const stack = err instanceof Error ? (err.stack ?? '') : '';
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const frame = new RegExp(`${escaped}(?:\\?[^:\\s)]*)?:(\\d+):(\\d+)`).exec(stack);
  return frame ? ` (at ${shown}:${frame[1]}:${frame[2]})` : '';
}
