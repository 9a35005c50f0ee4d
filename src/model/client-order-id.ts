import { createHash } from 'node:crypto';
import type { OrderPurpose } from './order-purpose.ts';

/** Keeps our ids apart from any other sha256 of the same strings. */
const NAMESPACE = 'triplegain:client-order-id:v1';

/**
 * The client order id of the order carrying out `purpose` for a proposal, sent to Kraken as
 * `cl_ord_id`. Deterministic, so every retry and every redelivery of the execution job names
 * the same order; formatted as a UUID (8-4-4-4-12 lowercase hex, 36 characters, version 5
 * and RFC 4122 variant bits set, like a name-based UUID but hashed with sha256), which
 * Kraken accepts as a client order id.
 */
export function clientOrderIdOf(proposalId: string, purpose: OrderPurpose): string {
  const bytes = createHash('sha256').update(`${NAMESPACE}\n${proposalId}\n${purpose}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
