import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';
import { redactSecrets } from './redact-secrets.ts';
import { writeAbove } from './status-line.ts';

export type { Logger };

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
  if (!(LOG_FORMATS as readonly string[]).includes(named)) throw new Error(`LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}, got "${named}"`);
  return named as LogFormat;
}

/**
 * Structured logs: a constant message plus context. Known secret-bearing fields are censored
 * by path, and every string that reaches the output passes through `redactSecrets`, so an
 * API key pasted into an error message still never reaches the log.
 *
 * Written to stdout (or stderr with `stderr`) in `format` (default `logFormatFor` the stream).
 * Pretty lines are written above a progress bar the stream shows, never into it; they are
 * rendered by pino-pretty's formatter in this thread (no worker thread), loaded only when used.
 */
export function createLogger(options: { level?: string; name?: string; stderr?: boolean; format?: LogFormat } = {}): Logger {
  const stream = options.stderr ? process.stderr : process.stdout;
  const format = options.format ?? logFormatFor(stream);
  return pino(
    {
      name: options.name ?? 'triplegain',
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: {
        paths: ['*.apiKey', '*.password', '*.token', '*.secret', '*.authorization', 'apiKey', 'password', 'token', 'secret'],
        censor: '***',
      },
      hooks: {
        streamWrite: (line) => redactSecrets(line),
      },
    },
    format === 'pretty' ? prettyDestination(stream) : pino.destination(options.stderr ? 2 : 1),
  );
}

/** One line per event — `[12:00:01.234] WARN (triplegain): message {"context":…}` — coloured on a terminal. */
function prettyDestination(stream: NodeJS.WriteStream): DestinationStream {
  const { prettyFactory } = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  // No error-like keys: an `err` stays on the event's line instead of a block beneath it.
  const pretty = prettyFactory({ colorize: stream.isTTY === true, singleLine: true, errorLikeObjectKeys: [], ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l' });
  return { write: (line: string) => writeAbove(stream, pretty(line)) };
}

/** A logger that writes nothing, for tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
