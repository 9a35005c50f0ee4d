import { z } from 'zod';

/**
 * What the rehearsal does to the live path, one at a time, at the Kraken stand-in:
 * - `add_order_timeout`: the next AddOrder is carried out, then never answered (the order
 *   exists; the caller's request times out and must find it by client id, never send it twice);
 * - `server_error`: the next private request gets an HTTP 5xx and is not carried out;
 * - `dropped_connection`: the next private request's connection is closed before it is carried out;
 * - `nonce_error`: the next private request is answered `EAPI:Invalid nonce`, not carried out;
 * - `dead_man_switch_outage`: Kraken is unreachable for a while and the dead man's switch fires
 *   in it (every open order canceled, the stops included): once Kraken answers again, every
 *   open position's stop must be placed again before anything else trades.
 */
export const RehearsalFaultKind = z.enum([
  'add_order_timeout',
  'server_error',
  'dropped_connection',
  'nonce_error',
  'dead_man_switch_outage',
]);
export type RehearsalFaultKind = z.infer<typeof RehearsalFaultKind>;

export const rehearsalFaultKinds: readonly RehearsalFaultKind[] = RehearsalFaultKind.options;
