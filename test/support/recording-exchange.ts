import type { Redis } from 'ioredis';
import type { ExchangePort, PlaceOrderRequest } from '../../src/exchange/exchange-port.ts';

export interface RecordedSubmission extends PlaceOrderRequest {
  /** When the order reached the exchange (before its answer). */
  atMs: number;
  worker: string;
}

/**
 * An exchange (the paper exchange, or any `ExchangePort`) with a tap at its door: every order
 * that reaches it is appended to a Redis list with the time it arrived, after `latencyMs`
 * of network, before the exchange handles it.
 */
export function recordingExchange(
  inner: ExchangePort,
  redis: Redis,
  listKey: string,
  options: { worker?: string; latencyMs?: number } = {},
): ExchangePort {
  return {
    name: inner.name,
    async placeOrder(request, signal) {
      await redis.rpush(
        listKey,
        JSON.stringify({ ...request, atMs: Date.now(), worker: options.worker ?? 'test' } satisfies RecordedSubmission),
      );
      if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
      return inner.placeOrder(request, signal);
    },
    cancelOrder: (id, signal) => inner.cancelOrder(id, signal),
    openOrders: (signal) => inner.openOrders(signal),
    closedOrders: (sinceMs, signal) => inner.closedOrders(sinceMs, signal),
    findByClientOrderId: (id, signal) => inner.findByClientOrderId(id, signal),
    balances: (signal) => inner.balances(signal),
  };
}

export async function recordedSubmissions(redis: Redis, listKey: string): Promise<RecordedSubmission[]> {
  return (await redis.lrange(listKey, 0, -1)).map((s) => JSON.parse(s) as RecordedSubmission);
}
