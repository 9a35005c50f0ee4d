import { TriplegainError } from './triplegain-error.ts';

/**
 * Runs `work` with an AbortSignal that fires after `timeoutMs`, or when `outer` fires; the
 * returned promise rejects at that moment (JOB_TIMEOUT, or the outer signal's reason). Work
 * that honours the signal stops too; work that does not is abandoned, so every IO call in a
 * job should take the signal.
 */
export async function runWithTimeout<T>(
  timeoutMs: number,
  work: (signal: AbortSignal) => Promise<T>,
  outer?: AbortSignal,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onOuterAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new TriplegainError('JOB_TIMEOUT', `run took longer than ${timeoutMs} ms`, { timeoutMs });
      controller.abort(error);
      reject(error);
    }, timeoutMs);
    onOuterAbort = () => {
      controller.abort(outer!.reason);
      reject(outer!.reason instanceof Error ? outer!.reason : new Error(String(outer!.reason)));
    };
    if (outer?.aborted) onOuterAbort();
    else outer?.addEventListener('abort', onOuterAbort, { once: true });
  });
  try {
    return await Promise.race([work(controller.signal), stopped]);
  } finally {
    clearTimeout(timer);
    if (onOuterAbort) outer?.removeEventListener('abort', onOuterAbort);
  }
}
