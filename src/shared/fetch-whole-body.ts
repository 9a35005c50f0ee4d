/**
 * `fetch` for ccxt that has read the whole body before it resolves, under `signal` (ccxt's
 * timeout, plus any other given), so that ccxt's timeout covers a stalled body too and the
 * abort closes its socket. Redirects are refused.
 */
export async function fetchWholeBody(url: string, init: RequestInit, extraSignal?: AbortSignal): Promise<Response> {
  const signals = [init.signal, extraSignal].filter((s): s is AbortSignal => s instanceof AbortSignal);
  const response = await fetch(url, {
    method: init.method,
    headers: init.headers,
    body: init.body,
    signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
    redirect: 'error',
  });
  const body = await response.arrayBuffer();
  const nullBody = [101, 204, 205, 304].includes(response.status);
  return new Response(nullBody ? null : body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
