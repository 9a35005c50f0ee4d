import type { Logger } from '../shared/logger.ts';
import { describeError } from '../shared/triplegain-error.ts';

export interface OutageLoggerOptions {
  logger: Logger;
  /** Constant log messages of the two lines, e.g. `redis connection error` / `… restored`. */
  messages: { started: string; ended: string };
  /** Context on both lines (which connection, which server). */
  context?: Record<string, unknown>;
  /** Wall-clock milliseconds (not the market clock: an outage lasts real time). Default `Date.now`. */
  now?: () => number;
  /** Turns an error into the text logged; default `describeError`. Redact secrets here. */
  describe?: (err: unknown) => string;
}

/**
 * Logs an outage as two lines instead of one per failed attempt: a warning at the first
 * failure (with its error), and, at the first success after it, an info line with how many
 * attempts failed and how long it lasted (and the last error, when it differed). Pure logic
 * around a clock; callers report every attempt, cheaply: a success outside an outage is a
 * single comparison.
 */
export class OutageLogger {
  private since: number | undefined;
  private attempts = 0;
  private firstError = '';
  private lastError = '';
  private readonly now: () => number;
  private readonly describe: (err: unknown) => string;

  constructor(private readonly options: OutageLoggerOptions) {
    this.now = options.now ?? Date.now;
    this.describe = options.describe ?? describeError;
  }

  /** Whether an outage is under way (a failure since the last success). */
  get inOutage(): boolean {
    return this.since !== undefined;
  }

  /** One failed attempt; only the first of an outage is logged, with `context` (where it failed). */
  failed(err: unknown, context: Record<string, unknown> = {}): void {
    this.attempts += 1;
    this.lastError = this.describe(err);
    if (this.since !== undefined) return;
    this.since = this.now();
    this.firstError = this.lastError;
    this.options.logger.warn(
      { ...this.options.context, ...context, err: this.firstError },
      this.options.messages.started,
    );
  }

  /** One successful attempt: ends the outage under way, if any, with its summary line. */
  succeeded(): void {
    if (this.since === undefined) return;
    const line: Record<string, unknown> = {
      ...this.options.context,
      failedAttempts: this.attempts,
      durationMs: this.now() - this.since,
      err: this.firstError,
    };
    if (this.lastError !== this.firstError) line.lastErr = this.lastError;
    this.since = undefined;
    this.attempts = 0;
    this.options.logger.info(line, this.options.messages.ended);
  }
}
