import { REFUSAL_PREFIX } from '../dashboard/refuse-managed-queue-changes.ts';

/** What Bull Board answered to the resumes a halt must refuse. */
export interface BoardResumes {
  tried: number;
  /** Answered 2xx/3xx: the board resumed (or claims to have resumed) a managed queue. */
  accepted: number;
  /**
   * Neither accepted nor refused by the kill switch (a 401, a 404, a 403 from the Host/Origin
   * check, a 5xx, no answer): the check could not be made. One `PUT <path>: <what>` each.
   */
  unexpected: string[];
}

/** Longest wait for one answer (wall time). */
const ANSWER_TIMEOUT_MS = 10_000;

/**
 * Bull Board's resume of the `execution` queue and its "resume all", sent as the board's own
 * page would (the operator's login, `Origin` the board itself), so that only the kill switch's
 * refusal (403 with its message) can stop them. Effects: none when the kill switch holds.
 */
export async function tryBoardResumes(
  board: { url: string; user: string; password: string },
  signal?: AbortSignal,
): Promise<BoardResumes> {
  const authorization = `Basic ${Buffer.from(`${board.user}:${board.password}`).toString('base64')}`;
  const paths = ['/ui/api/queues/execution/resume', '/ui/api/queues/resume'];
  const result: BoardResumes = { tried: paths.length, accepted: 0, unexpected: [] };
  for (const path of paths) {
    const timeout = AbortSignal.timeout(ANSWER_TIMEOUT_MS);
    try {
      const res = await fetch(`${board.url}${path}`, {
        method: 'PUT',
        headers: { authorization, origin: board.url },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      const body = await res.text();
      if (res.status < 400) result.accepted += 1;
      else if (res.status !== 403 || !body.includes(REFUSAL_PREFIX))
        result.unexpected.push(`PUT ${path}: ${res.status} ${body.slice(0, 120)}`);
    } catch (err) {
      if (signal?.aborted) throw err;
      result.unexpected.push(`PUT ${path}: no answer (${(err as Error).message})`);
    }
  }
  return result;
}
