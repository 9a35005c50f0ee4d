import type { ExchangeOrder } from '../exchange/exchange-port.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { parseKrakenOrder } from './kraken-order.ts';
import type { KrakenPrivateClient } from './kraken-private-client.ts';
import { krakenRejected } from './kraken-rejected.ts';

/** Txids one `QueryOrders` may ask for (Kraken: 50 at most). */
const QUERY_ORDERS_MAX = 50;

/**
 * The orders with these txids, open or closed, keyed by txid; those Kraken does not know are
 * left out. One `QueryOrders` (cost 1, a `protective` call) for up to 50 of them
 * (https://docs.kraken.com/api-reference/account-data/get-orders-info: `txid`, a comma
 * separated list, 50 at most).
 */
export async function queryKrakenOrders(
  client: KrakenPrivateClient,
  txids: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, ExchangeOrder>> {
  const found = new Map<string, ExchangeOrder>();
  if (txids.length > 0) await client.loadMarkets();
  for (let i = 0; i < txids.length; i += QUERY_ORDERS_MAX) {
    const batch = txids.slice(i, i + QUERY_ORDERS_MAX);
    const what = `QueryOrders ${batch.join(',')}`;
    let result: Record<string, unknown>;
    try {
      result = await client.call('QueryOrders', { txid: batch.join(',') }, { signal, what, priority: 'protective' });
    } catch (err) {
      if (err instanceof TriplegainError && err.details['krakenError'] === 'EOrder:Invalid order') continue;
      throw err;
    }
    for (const txid of batch) {
      if (!(txid in result)) continue;
      const parsed = parseKrakenOrder(txid, result[txid], (pair) => client.symbolOf(pair));
      if (!parsed.ok) throw krakenRejected(what, parsed.problem);
      found.set(txid, parsed.order);
    }
  }
  return found;
}
