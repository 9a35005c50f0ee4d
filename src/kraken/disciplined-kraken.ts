import { AsyncLocalStorage } from 'node:async_hooks';
import { kraken as CcxtKraken } from 'ccxt';
import { fetchWholeBody } from '../shared/fetch-whole-body.ts';
import type { KrakenRateLimiter } from './kraken-rate-limiter.ts';

/** The state of the private request running in this async context. */
export interface RequestContext {
  nonce: number;
  nonceTaken: boolean;
  signal: AbortSignal | undefined;
  /** Whether the request left for Kraken: if so, its outcome is unknown on failure. */
  sent: boolean;
}
export const requestContext = new AsyncLocalStorage<RequestContext>();

/**
 * ccxt's Kraken with our discipline: public requests pass the shared public limiter, private
 * ones run only inside `KrakenPrivateClient.call` and sign with the nonce it took under the
 * account lock (ccxt's own clock-based nonce is never used, and a nonce signs one request).
 */
export class DisciplinedKraken extends CcxtKraken {
  constructor(
    config: ConstructorParameters<typeof CcxtKraken>[0],
    private readonly publicLimiter: Pick<KrakenRateLimiter, 'acquire'>,
  ) {
    super(config);
  }

  override async fetch2(...args: Parameters<CcxtKraken['fetch2']>): ReturnType<CcxtKraken['fetch2']> {
    const [path, api] = args;
    if (api === 'private') {
      if (!requestContext.getStore())
        throw new Error(`kraken private ${String(path)} called outside KrakenPrivateClient.call`);
    } else {
      await this.publicLimiter.acquire(1);
    }
    return super.fetch2(...args);
  }

  override nonce(): number {
    const context = requestContext.getStore();
    if (!context || context.nonceTaken)
      throw new Error('kraken: a private request needs a nonce of its own from the account lock');
    context.nonceTaken = true;
    return context.nonce;
  }
}

/** ccxt's fetch: the whole body under ccxt's timeout and the caller's signal; marks the request as sent. */
export function fetchMarkingSent(url: string, init: RequestInit): Promise<Response> {
  const context = requestContext.getStore();
  if (context) context.sent = true;
  return fetchWholeBody(url, init, context?.signal);
}
