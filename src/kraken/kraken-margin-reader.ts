import { Decimal } from '../model/decimal.ts';
import { z } from 'zod';
import { Side } from '../model/side.ts';
import { DecimalString } from '../model/decimal-string.ts';
import { MarginPosition } from '../exchange/exchange-port.ts';
import { krakenRejected } from './kraken-rejected.ts';
import type { KrakenPrivateClient } from './kraken-private-client.ts';

/** `TradeBalance`: `e` is the equity (trade balance plus the open positions' unrealized P&L), in the asked asset. */
const TradeBalanceResult = z.looseObject({ e: DecimalString });
/**
 * `OpenPositions` with `docalcs`: one entry per position (Get Open Positions,
 * https://docs.kraken.com/api-reference/account-data/get-open-positions). `vol` less
 * `vol_closed` is still open; `value` is its current value (with `docalcs`), `cost` what it
 * cost, `margin` what it holds, all in the quote asset.
 */
const OpenPositionsResult = z.record(
  z.string(),
  z.looseObject({
    pair: z.string(),
    type: Side,
    vol: DecimalString,
    vol_closed: DecimalString,
    cost: DecimalString,
    margin: DecimalString,
    value: DecimalString.optional(),
  }),
);

/** The margin account of a Kraken API key: its equity and its open positions. */
export class KrakenMarginReader {
  constructor(private readonly client: KrakenPrivateClient) {}

  /**
   * The margin account's equity in `cashAsset` (`TradeBalance` `e`: trade balance plus the open
   * positions' unrealized P&L; Get Trade Balance,
   * https://docs.kraken.com/api-reference/account-data/get-trade-balance).
   */
  async equity(cashAsset: string, signal?: AbortSignal): Promise<string> {
    await this.client.loadMarkets();
    const result = TradeBalanceResult.safeParse(
      await this.client.call('TradeBalance', { asset: this.client.assetId(cashAsset) }, { signal }),
    );
    if (!result.success) throw krakenRejected('TradeBalance', `unexpected answer: ${z.prettifyError(result.error)}`);
    return result.data.e;
  }

  /**
   * The margin account's open positions (`OpenPositions` with `docalcs`), net per symbol: the
   * open volume of longs less that of shorts, valued at Kraken's current value (else at cost),
   * leverage as cost over margin.
   */
  async positions(signal?: AbortSignal): Promise<MarginPosition[]> {
    await this.client.loadMarkets();
    const result = OpenPositionsResult.safeParse(
      await this.client.call('OpenPositions', { docalcs: 'true' }, { signal }),
    );
    if (!result.success) throw krakenRejected('OpenPositions', `unexpected answer: ${z.prettifyError(result.error)}`);
    const bySymbol = new Map<string, { quantity: Decimal; value: Decimal; cost: Decimal; margin: Decimal }>();
    for (const [id, p] of Object.entries(result.data)) {
      const symbol = this.client.symbolOf(p.pair);
      if (symbol === null)
        throw krakenRejected(
          'OpenPositions',
          `position ${id} is in ${p.pair}, a pair Kraken's market list does not have`,
        );
      const sign = p.type === 'buy' ? 1 : -1;
      const open = new Decimal(p.vol).minus(p.vol_closed);
      const sum = bySymbol.get(symbol) ?? {
        quantity: new Decimal(0),
        value: new Decimal(0),
        cost: new Decimal(0),
        margin: new Decimal(0),
      };
      bySymbol.set(symbol, {
        quantity: sum.quantity.plus(open.times(sign)),
        value: sum.value.plus(new Decimal(p.value ?? p.cost).times(sign)),
        cost: sum.cost.plus(p.cost),
        margin: sum.margin.plus(p.margin),
      });
    }
    return [...bySymbol.entries()]
      .filter(([, s]) => !s.quantity.isZero())
      .map(([symbol, s]) =>
        MarginPosition.parse({
          symbol,
          side: s.quantity.gt(0) ? 'long' : 'short',
          quantity: s.quantity.abs().toFixed(),
          notionalUsd: s.value.abs().toFixed(),
          leverage: s.margin.gt(0) ? Decimal.max(1, s.cost.div(s.margin)).toDecimalPlaces(2).toNumber() : 1,
        }),
      );
  }
}
