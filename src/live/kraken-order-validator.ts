import type { KrakenPrivateClient } from '../kraken/kraken-private-client.ts';
import { KRAKEN_ADD_ORDER_COST } from '../kraken/kraken-trading-limiter.ts';
import type { ValidationOrder } from './validation-order.ts';

/**
 * Sends AddOrder with `validate=true` only: Kraken checks the order (pair, volume, price,
 * funds, the key's right to trade) and places nothing
 * (https://docs.kraken.com/api-reference/trading/add-order, `validate`). The client is held
 * privately and the request is built here from the order's fields alone, so nothing given to
 * it can drop or override `validate`: the live check has no other way to send an AddOrder.
 * The call passes the account lock and the pair's trading counter like any AddOrder.
 */
export class KrakenOrderValidator {
  readonly #client: Pick<KrakenPrivateClient, 'call' | 'market'>;

  constructor(client: Pick<KrakenPrivateClient, 'call' | 'market'>) {
    this.#client = client;
  }

  /** @returns Kraken's `result`: the order described (`descr`), and no `txid`. */
  async validate(order: ValidationOrder, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const market = await this.#client.market(order.symbol);
    const params = {
      pair: market.id,
      type: order.side,
      ordertype: order.type,
      volume: order.quantity,
      price: order.limitPrice,
      validate: 'true',
    };
    return this.#client.call('AddOrder', params, {
      signal,
      what: `AddOrder ${order.symbol} (validate only)`,
      trading: { symbol: order.symbol, cost: KRAKEN_ADD_ORDER_COST },
    });
  }
}
