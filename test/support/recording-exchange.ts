import type { Redis } from 'ioredis';
import type { OrderRequest, OrderSubmitter } from '../../src/execution/order-submitter.ts';

export interface RecordedSubmission extends OrderRequest {
  /** When the order reached the exchange (before its answer). */
  atMs: number;
  worker: string;
}

/**
 * A stand-in for the exchange (the outside world): every order that reaches it is appended to
 * a Redis list with the time it arrived, then acknowledged after `latencyMs`, as an exchange
 * answers after a round trip.
 */
export function recordingExchange(redis: Redis, listKey: string, options: { worker?: string; latencyMs?: number } = {}): OrderSubmitter {
  let n = 0;
  return {
    async submit(order, signal) {
      const record: RecordedSubmission = { ...order, atMs: Date.now(), worker: options.worker ?? 'test' };
      await redis.rpush(listKey, JSON.stringify(record));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, options.latencyMs ?? 0);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
        });
      });
      n += 1;
      return { exchangeOrderId: `EX-${options.worker ?? 'test'}-${n}` };
    },
  };
}

export async function recordedSubmissions(redis: Redis, listKey: string): Promise<RecordedSubmission[]> {
  return (await redis.lrange(listKey, 0, -1)).map((s) => JSON.parse(s) as RecordedSubmission);
}
