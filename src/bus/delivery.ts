import type { BusMessage } from './envelope.ts';

/** One stream entry handed to a consumer, with how often its group has delivered it. */
export interface Delivery {
  lane: string;
  streamId: string;
  fields: string[];
  deliveryCount: number;
  /** Decoded once; `undefined` until decoded, `null` when malformed. */
  message?: BusMessage | null;
  decodeError?: unknown;
  /** Size in bytes of an entry too big to handle (its `message` is then `null`). */
  oversizedBytes?: number;
}
