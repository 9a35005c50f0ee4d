/** Socket errors that mean the server cannot be reached (or the connection broke). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Replies of a Redis that is there but cannot serve now: loading its dataset, refusing writes
 * (MISCONF, OOM, READONLY after a failover), busy with a script, or a cluster not ready.
 */
const UNAVAILABLE_REPLY = /^(LOADING|MISCONF|OOM|READONLY|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN)\b/;

/** What ioredis says when a command could not be sent or got no reply because of the connection. */
const CONNECTION_MESSAGE =
  /Connection is closed|Stream isn't writeable|Reached the max retries per request|connect ETIMEDOUT|Command timed out/;

/**
 * Whether `err` says Redis is unavailable (down, unreachable, restarting, refusing writes), as
 * opposed to a command that is wrong in itself. The first passes by itself and is logged once
 * per outage; the second is a bug worth a line each time.
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  return UNAVAILABLE_REPLY.test(err.message) || CONNECTION_MESSAGE.test(err.message);
}
