/** How log lines look: one pretty line per event for people, or JSON lines for machines. */
export type LogFormat = 'pretty' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['pretty', 'json'];

/**
 * The format for logs written to `stream`: `LOG_FORMAT` when set (the CLI's `--log-format` sets
 * it, and its children inherit it), else pretty on a terminal and JSON anywhere else (a file, a
 * pipe, a container's log collector).
 *
 * @throws when `LOG_FORMAT` names no format.
 */
export function logFormatFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): LogFormat {
  const named = env.LOG_FORMAT;
  if (named === undefined || named === '') return stream.isTTY ? 'pretty' : 'json';
  if (!(LOG_FORMATS as readonly string[]).includes(named))
    throw new Error(`LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}, got "${named}"`);
  return named as LogFormat;
}
