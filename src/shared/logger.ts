import { pino, type Logger } from 'pino';
import { redactSecrets } from './redact-secrets.ts';

export type { Logger };

/**
 * Structured logs: a constant message plus context. Known secret-bearing fields are censored
 * by path, and every string that reaches the output passes through `redactSecrets`, so an
 * API key pasted into an error message still never reaches the log.
 */
export function createLogger(options: { level?: string; name?: string; stderr?: boolean } = {}): Logger {
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
    pino.destination(options.stderr ? 2 : 1),
  );
}

/** A logger that writes nothing, for tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
