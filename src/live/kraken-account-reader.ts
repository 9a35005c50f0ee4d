import type { Balances } from '../exchange/exchange-port.ts';
import { KrakenExchange } from '../kraken/kraken-exchange.ts';
import type { KrakenPrivateClient } from '../kraken/kraken-private-client.ts';

/**
 * What the live check reads of the account, over `KrakenPrivateClient` (account lock, nonces,
 * API counter): the key's rights, the 30-day volume and fees, the balances. Reads only: the
 * client is held privately, so nothing here can send an order.
 */
export class KrakenAccountReader {
  readonly #client: KrakenPrivateClient;
  readonly #exchange: KrakenExchange;

  constructor(client: KrakenPrivateClient) {
    this.#client = client;
    this.#exchange = new KrakenExchange({ client });
  }

  /** `GetApiKeyInfo`'s `result` (https://docs.kraken.com/api-reference/account-data/get-api-key-info). */
  apiKeyInfo(signal?: AbortSignal): Promise<Record<string, unknown>> {
    return this.#client.call('GetApiKeyInfo', {}, { signal });
  }

  /** `TradeVolume`'s `result` with the fees of `pairKeys` (Kraken's keys, e.g. `XXBTZUSD`). */
  tradeVolume(pairKeys: readonly string[], signal?: AbortSignal): Promise<Record<string, unknown>> {
    return this.#client.call('TradeVolume', { pair: pairKeys.join(',') }, { signal });
  }

  /** The balances by our asset code, as the running system reads them (`KrakenExchange.balances`). */
  balances(signal?: AbortSignal): Promise<Balances> {
    return this.#exchange.balances(signal);
  }
}
