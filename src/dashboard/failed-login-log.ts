import type { Logger } from '../shared/logger.ts';

/** The message of every line, so that an alert or a grep can match it. */
export const FAILED_LOGIN_MESSAGE = 'dashboard login failed';

export interface FailedLoginLog {
  /** Counts one failed login from `address`; logs it at once when it is the first in an interval. */
  record(address: string): void;
  /** Logs what is counted and not yet logged, and stops the timers. */
  close(): void;
}

/**
 * A warning per source address and interval, not per attempt: the first failed login from an
 * address is logged at once (`{ address, failures: 1 }`); the ones after it within
 * `intervalMs` are counted and logged as one line when the interval ends (`{ address,
 * failures, intervalMs }`), and so on while they go on. A guessing run of thousands of
 * attempts is a line a minute, and none is lost. Logs no credential, nor the user given.
 *
 * @param intervalMs default 60 000.
 */
export function failedLoginLog(options: { logger: Logger; intervalMs?: number }): FailedLoginLog {
  const intervalMs = options.intervalMs ?? 60_000;
  const pending = new Map<string, { failures: number; timer: NodeJS.Timeout }>();

  const flush = (address: string) => {
    const entry = pending.get(address);
    if (!entry) return;
    if (entry.failures === 0) {
      pending.delete(address);
      return;
    }
    options.logger.warn({ address, failures: entry.failures, intervalMs }, FAILED_LOGIN_MESSAGE);
    entry.failures = 0;
    entry.timer.refresh();
  };

  return {
    record(address) {
      const entry = pending.get(address);
      if (entry) {
        entry.failures += 1;
        return;
      }
      options.logger.warn({ address, failures: 1 }, FAILED_LOGIN_MESSAGE);
      const timer = setTimeout(() => flush(address), intervalMs);
      // A quiet address must not keep the process alive.
      timer.unref();
      pending.set(address, { failures: 0, timer });
    },
    close() {
      for (const [address, entry] of [...pending]) {
        clearTimeout(entry.timer);
        if (entry.failures > 0)
          options.logger.warn({ address, failures: entry.failures, intervalMs }, FAILED_LOGIN_MESSAGE);
        pending.delete(address);
      }
    },
  };
}
