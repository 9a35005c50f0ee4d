import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
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

/** The instrument of one `AssetPairs` entry (`key` is the entry's key, e.g. `XXBTZUSD`). */
export function instrumentFromAssetPair(key: string, entry: unknown): Instrument {
  const pair = KrakenAssetPair.parse(entry);
  const [base, quote] = pair.wsname.split('/') as [string, string];
  const name = (asset: string) => KRAKEN_ASSET_NAMES[asset] ?? asset;
  return Instrument.parse({
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
}

/**
 * The instruments an account trades, by our symbol. Built from Kraken's `AssetPairs` data (the
 * file shipped in `data/kraken/asset-pairs.json`, or a live answer) plus the config's
 * `execution.instruments`, which add pairs or override shipped ones.
 */
export class InstrumentBook {
  private readonly bySymbol: ReadonlyMap<string, Instrument>;

  constructor(instruments: Iterable<Instrument>) {
    this.bySymbol = new Map([...instruments].map((i) => [i.symbol, i]));
  }

  /** The shipped `AssetPairs` data plus `overrides` (which win). */
  static shipped(overrides: readonly Instrument[] = []): InstrumentBook {
    const file = JSON.parse(readFileSync(join(projectRoot, 'data', 'kraken', 'asset-pairs.json'), 'utf8')) as Record<string, unknown>;
    return InstrumentBook.fromAssetPairs(file, overrides);
  }

  /** An `AssetPairs` result object (key → entry) plus `overrides` (which win). */
  static fromAssetPairs(result: Record<string, unknown>, overrides: readonly Instrument[] = []): InstrumentBook {
    const instruments = new Map<string, Instrument>();
    for (const [key, entry] of Object.entries(result)) {
      const instrument = instrumentFromAssetPair(key, entry);
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
      throw new TriplegainError('CONFIG_INVALID', `no instrument rules for ${symbol}: add the pair's tick, lot decimals and minimums under execution.instruments`, { symbol });
    }
    return found;
  }

  symbols(): string[] {
    return [...this.bySymbol.keys()].sort();
  }
}

type InstrumentsConfig = { execution: { instruments: Record<string, Omit<Instrument, 'symbol'>> } };
const books = new WeakMap<object, InstrumentBook>();
let shippedBook: InstrumentBook | undefined;

/** The book the config trades with: the shipped data plus `execution.instruments` (built once per config object). */
export function instrumentBookOf(config: InstrumentsConfig): InstrumentBook {
  let book = books.get(config);
  if (!book) {
    book = InstrumentBook.shipped(Object.entries(config.execution.instruments).map(([symbol, rules]) => Instrument.parse({ symbol, ...rules })));
    books.set(config, book);
  }
  return book;
}

/** The shipped book alone (read once): for callers without a config. */
export function shippedInstrumentBook(): InstrumentBook {
  return (shippedBook ??= InstrumentBook.shipped());
}
