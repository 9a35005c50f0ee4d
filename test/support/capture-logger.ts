import { pino } from 'pino';
import type { Logger } from '../../src/shared/logger.ts';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A real pino logger whose output the test can read. */
export function captureLogger(): { logger: Logger; lines: LogLine[]; warnings(): LogLine[]; text(): string } {
  const raw: string[] = [];
  const lines: LogLine[] = [];
  const logger = pino(
    { level: 'debug' },
    {
      write(line: string) {
        raw.push(line);
        lines.push(JSON.parse(line) as LogLine);
      },
    },
  );
  return { logger, lines, warnings: () => lines.filter((l) => l.level === 40), text: () => raw.join('') };
}
