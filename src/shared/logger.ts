import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';
import { logFormatFor, type LogFormat } from './log-format.ts';
import { redactSecrets } from './redact-secrets.ts';
import { writeAbove } from './status-line.ts';

export type { Logger };

/**
 * Structured logs: a constant message plus context. Known secret-bearing fields are censored
 * by path, and every string that reaches the output passes through `redactSecrets`, so an
 * API key pasted into an error message still never reaches the log.
 *
 * Written to stdout (or stderr with `stderr`) in `format` (default `logFormatFor` the stream).
 * On a terminal, lines are written above a progress bar it shows, never into it. Pretty lines are
 * rendered by pino-pretty's formatter in this thread (no worker thread), loaded only when used.
 */
export function createLogger(
  options: { level?: string; name?: string; stderr?: boolean; format?: LogFormat } = {},
): Logger {
  const stream = options.stderr ? process.stderr : process.stdout;
  const format = options.format ?? logFormatFor(stream);
  return pino(
    {
      name: options.name ?? 'triplegain',
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: {
        paths: [
          '*.apiKey',
          '*.password',
          '*.token',
          '*.secret',
          '*.authorization',
          'apiKey',
          'password',
          'token',
          'secret',
        ],
        censor: '***',
      },
      hooks: {
        streamWrite: (line) => redactSecrets(line),
      },
    },
    format === 'pretty'
      ? prettyDestination(stream)
      : stream.isTTY
        ? aboveStatusLine(stream)
        : pino.destination(options.stderr ? 2 : 1),
  );
}

/** JSON lines on a terminal: above its progress bar, never into it. */
function aboveStatusLine(stream: NodeJS.WriteStream): DestinationStream {
  return { write: (line: string) => writeAbove(stream, line) };
}

/** One line per event — `[12:00:01.234] WARN (triplegain): message {"context":…}` — coloured on a terminal. */
function prettyDestination(stream: NodeJS.WriteStream): DestinationStream {
  const { prettyFactory } = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  // No error-like keys: an `err` stays on the event's line instead of a block beneath it.
  const pretty = prettyFactory({
    colorize: stream.isTTY === true,
    singleLine: true,
    errorLikeObjectKeys: [],
    ignore: 'pid,hostname',
    translateTime: 'SYS:HH:MM:ss.l',
  });
  return { write: (line: string) => writeAbove(stream, pretty(line)) };
}

/** A logger that writes nothing, for tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
