import { TriplegainError } from '../shared/triplegain-error.ts';

/** Kept of a receiver's answer: enough for an error description, never a flood. */
const MAX_ANSWER_CHARS = 2_000;

export interface PostAnswer {
  status: number;
  /** The answer's body, its first 2,000 characters. */
  body: string;
}

/**
 * POSTs `body` as JSON and reads the answer, all within `timeoutMs` of wall time (connecting,
 * sending, the status and the whole body), or until `signal` fires.
 *
 * Errors name no URL (a receiver's URL may carry a token).
 * @throws TriplegainError `TIMEOUT` (retryable) when the time ran out; an Error naming the
 *   network error's code (`ECONNREFUSED`…) when the receiver cannot be reached.
 */
export async function postJson(
  url: string,
  body: unknown,
  options: { headers?: Record<string, string>; timeoutMs: number; signal?: AbortSignal },
): Promise<PostAnswer> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...options.headers, 'content-type': 'application/json', 'user-agent': 'triplegain-alerts' },
      body: JSON.stringify(body),
      signal,
      redirect: 'error',
    });
    const text = await response.text();
    return { status: response.status, body: text.slice(0, MAX_ANSWER_CHARS) };
  } catch (err) {
    if (timeout.aborted)
      throw new TriplegainError('TIMEOUT', `no complete answer within ${options.timeoutMs} ms`, {
        timeoutMs: options.timeoutMs,
      });
    if (options.signal?.aborted)
      throw options.signal.reason instanceof Error ? options.signal.reason : new Error('delivery aborted');
    throw new Error(`receiver unreachable (${networkCode(err)})`);
  }
}

/** `ECONNREFUSED`, `ENOTFOUND`, … from fetch's cause; never the message, which may quote the URL. */
function networkCode(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? cause.code : err instanceof Error ? err.name : 'network error';
}
