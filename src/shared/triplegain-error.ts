/**
 * Stable error codes. `retryable` says whether trying the same thing again can succeed; a
 * worker turns a non-retryable failure into BullMQ's `UnrecoverableError`.
 */
export const ErrorCodes = {
  CONFIG_INVALID: { retryable: false },
  MESSAGE_INVALID: { retryable: false },
  MESSAGE_TYPE_UNKNOWN: { retryable: false },
  REDIS_UNAVAILABLE: { retryable: true },
  DATABASE_UNAVAILABLE: { retryable: true },
  HANDLER_TIMEOUT: { retryable: true },
  /** A job ran past its queue's timeout; the run counts as failed. */
  JOB_TIMEOUT: { retryable: true },
  /** Another consumer is doing the same work right now; try again later. */
  BUSY: { retryable: true },
  NOT_FOUND: { retryable: false },
  /** The exchange is down, in maintenance or unreachable (5xx, `EService:Unavailable`, network). */
  EXCHANGE_UNAVAILABLE: { retryable: true },
  /** The exchange (`EAPI:Rate limit exceeded`) or our own shared limiter said to slow down. */
  EXCHANGE_RATE_LIMITED: { retryable: true },
  /** The exchange refused the request as such (`EGeneral:Invalid arguments`, unknown pair) or answered in an unexpected shape. */
  EXCHANGE_REJECTED: { retryable: false },
  /** A call got no (complete) answer within its timeout. */
  TIMEOUT: { retryable: true },
  /** The kill switch's state is missing from Redis (lost with its data): nothing trades until it is restored. */
  CONTROL_STATE_UNKNOWN: { retryable: true },
  /** An operator command the current state does not allow (`resume` while HALTED). */
  COMMAND_REFUSED: { retryable: false },
  /** An operator's request is malformed (a bad amount, an unknown pair): nothing was done. */
  INPUT_INVALID: { retryable: false },
  /** A data file or record is malformed (a bad row in a candle CSV). */
  DATA_INVALID: { retryable: false },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class TriplegainError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TriplegainError';
    this.code = code;
    this.retryable = ErrorCodes[code].retryable;
    this.details = details;
  }
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}

/**
 * A one-line description of anything thrown, for logs and dead-letter entries. An object that
 * is not an Error (PGlite's file system throws `{ name: 'ErrnoError', errno: 44 }`) is named by
 * what it carries, not as `[object Object]`.
 */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  if (typeof err === 'object' && err !== null) {
    const { name, message, code, errno } = err as Record<string, unknown>;
    const parts = [
      typeof message === 'string' ? message : undefined,
      code === undefined ? undefined : `code ${String(code)}`,
      errno === undefined ? undefined : `errno ${String(errno)}`,
    ].filter((part) => part !== undefined);
    if (typeof name === 'string' || parts.length > 0)
      return `${typeof name === 'string' ? name : 'error'}: ${parts.length > 0 ? parts.join(', ') : 'no message'}`;
  }
  return String(err);
}
