import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decimal } from '../model/decimal.ts';
import { z } from 'zod';
import { projectRoot } from '../shared/project-root.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { Instrument } from './instrument.ts';

/** Kraken writes some assets by older names: XBT is BTC, XDG is DOGE. */
const KRAKEN_ASSET_NAMES: Record<string, string> = { XBT: 'BTC', XDG: 'DOGE' };

const intLike = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);
const decimalLike = z.union([z.number().nonnegative().transform(String), z.string().regex(/^\d+(\.\d+)?$/)]);

/** One `AssetPairs` entry, as Kraken answers it (ccxt keeps some integers as strings). */
const KrakenAssetPair = z.looseObject({
  wsname: z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+$/),
  pair_decimals: intLike,
  lot_decimals: intLike,
  ordermin: decimalLike,
  costmin: decimalLike.optional(),
  tick_size: decimalLike.optional(),
  leverage_buy: z.array(z.number().int()).default([]),
  leverage_sell: z.array(z.number().int()).default([]),
});

/**
 * The instrument of one `AssetPairs` entry (`key` is the entry's key, e.g. `XXBTZUSD`), or null
 * when the entry cannot be read as a spot pair (a dark-pool `.d` pair has no `wsname`): its
 * pair has no rules then, and no order for it is sent.
 */
export function instrumentFromAssetPair(key: string, entry: unknown): Instrument | null {
  const parsed = KrakenAssetPair.safeParse(entry);
  if (!parsed.success) return null;
  const pair = parsed.data;
  const [base, quote] = pair.wsname.split('/') as [string, string];
  const name = (asset: string) => KRAKEN_ASSET_NAMES[asset] ?? asset;
  const instrument = Instrument.safeParse({
    symbol: `${name(base)}/${name(quote)}`,
    krakenPair: key,
    priceDecimals: pair.pair_decimals,
    // Older answers have no tick size: one unit of the last price decimal.
    tickSize: pair.tick_size ?? new Decimal(10).pow(-pair.pair_decimals).toFixed(),
    lotDecimals: pair.lot_decimals,
    orderMin: pair.ordermin,
    costMin: pair.costmin ?? '0',
    leverageBuy: pair.leverage_buy,
    leverageSell: pair.leverage_sell,
  });
  return instrument.success ? instrument.data : null;
}

/**
 * The instruments an account trades, by our symbol. Built from Kraken's `AssetPairs` data (the
 * file shipped in `data/kraken/asset-pairs.json` for paper trading, the live answer for
 * Kraken) plus the config's `execution.instruments`, which add pairs or override ones.
 * A worker builds one (`openInstrumentBook`) and hands it to everything that checks or rounds
 * an order.
 */
export class InstrumentBook {
  private bySymbol: ReadonlyMap<string, Instrument>;

  constructor(instruments: Iterable<Instrument>) {
    this.bySymbol = new Map([...instruments].map((i) => [i.symbol, i]));
  }

  /**
   * Takes `fresher`'s instruments: the one book a worker holds is refreshed in place when the
   * exchange's data is read again (`openInstrumentBook`), so every holder sees the new rules.
   */
  replaceWith(fresher: InstrumentBook): void {
    this.bySymbol = fresher.bySymbol;
  }

  /** The shipped `AssetPairs` data plus `overrides` (which win). */
  static shipped(overrides: readonly Instrument[] = []): InstrumentBook {
    const file = JSON.parse(readFileSync(join(projectRoot, 'data', 'kraken', 'asset-pairs.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    return InstrumentBook.fromAssetPairs(file, overrides);
  }

  /** An `AssetPairs` result object (key → entry) plus `overrides` (which win). */
  static fromAssetPairs(result: Record<string, unknown>, overrides: readonly Instrument[] = []): InstrumentBook {
    const instruments = new Map<string, Instrument>();
    for (const [key, entry] of Object.entries(result)) {
      const instrument = instrumentFromAssetPair(key, entry);
      if (instrument === null) continue;
      // Several Kraken pairs may map to one symbol (a `.d` dark-pool pair): the first wins.
      if (!instruments.has(instrument.symbol)) instruments.set(instrument.symbol, instrument);
    }
    for (const o of overrides) instruments.set(o.symbol, o);
    return new InstrumentBook(instruments.values());
  }

  /** The instrument of `symbol`, or undefined when the book has none. */
  find(symbol: string): Instrument | undefined {
    return this.bySymbol.get(symbol);
  }

  /**
   * The instrument of `symbol`.
   *
   * @throws TriplegainError `CONFIG_INVALID` (not retryable) when the book has none: an order
   *   for a pair whose rules are unknown is never sent (add it under `execution.instruments`).
   */
  get(symbol: string): Instrument {
    const found = this.bySymbol.get(symbol);
    if (!found) {
      throw new TriplegainError(
        'CONFIG_INVALID',
        `no instrument rules for ${symbol}: add the pair's tick, lot decimals and minimums under execution.instruments`,
        { symbol },
      );
    }
    return found;
  }

  symbols(): string[] {
    return [...this.bySymbol.keys()].sort();
  }
}

/** `execution.instruments`, the config's additions to and overrides of the exchange's pairs. */
export type InstrumentsConfig = { execution: { instruments: Record<string, Omit<Instrument, 'symbol'>> } };

/** The config's `execution.instruments` as instruments (they win over the exchange's data). */
export function instrumentOverridesOf(config: InstrumentsConfig): Instrument[] {
  return Object.entries(config.execution.instruments).map(([symbol, rules]) => Instrument.parse({ symbol, ...rules }));
}

/** The book of paper trading: the shipped `AssetPairs` data plus `execution.instruments` (no network). */
export function shippedBookOf(config: InstrumentsConfig): InstrumentBook {
  return InstrumentBook.shipped(instrumentOverridesOf(config));
}
