import { TriplegainError } from '../shared/triplegain-error.ts';

/**
 * Runs `work` with an AbortSignal that fires after `timeoutMs`; the returned promise rejects
 * with JOB_TIMEOUT at that moment. Work that honours the signal stops too; work that does not
 * is abandoned, so every IO call in a job should take the signal.
 */
export async function runWithTimeout<T>(timeoutMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new TriplegainError('JOB_TIMEOUT', `run took longer than ${timeoutMs} ms`, { timeoutMs });
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([work(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
