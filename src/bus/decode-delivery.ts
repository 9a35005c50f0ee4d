import { TriplegainError } from '../shared/triplegain-error.ts';
import type { Delivery } from './delivery.ts';
import { decodeFields } from './envelope.ts';
import { utf8SizeOver } from './utf8-size-over.ts';

/**
 * Decodes `d` once, in place: `message` becomes the validated message, or `null` with
 * `decodeError` set when the entry does not decode, or is bigger than `maxMessageBytes` (then
 * `oversizedBytes` is its size, and it is not even parsed: such an entry is dead-lettered,
 * not handled).
 */
export function decodeDelivery(d: Delivery, maxMessageBytes: number): void {
  if (d.message !== undefined) return;
  const size = utf8SizeOver(d.fields, maxMessageBytes);
  if (size !== undefined) {
    d.message = null;
    d.oversizedBytes = size;
    d.decodeError = new TriplegainError(
      'MESSAGE_INVALID',
      `entry is ${size} bytes, over the bus limit of ${maxMessageBytes} (bus.maxMessageBytes)`,
      {
        sizeBytes: size,
        maxBytes: maxMessageBytes,
      },
    );
    return;
  }
  try {
    d.message = decodeFields(d.fields);
  } catch (err) {
    d.message = null;
    d.decodeError = err;
  }
}
