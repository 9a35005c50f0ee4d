import { z } from 'zod';
import { instrumentFromAssetPair } from '../../market/instrument-book.ts';
import type { Instrument } from '../../market/instrument.ts';

/** A fee schedule of `AssetPairs`: [volume, fee %] steps. */
const FeeSchedule = z.array(z.tuple([z.number().nonnegative(), z.number().nonnegative()])).min(1);

/** The parts of an `AssetPairs` entry the stand-in reads besides the instrument's. */
const AssetPairEntry = z.looseObject({
  altname: z.string().min(1),
  base: z.string().min(1),
  quote: z.string().min(1),
  fees: FeeSchedule,
  fees_maker: FeeSchedule.optional(),
  leverage_buy: z.array(z.number().int()).default([]),
  leverage_sell: z.array(z.number().int()).default([]),
});

/** One pair the stand-in trades, from Kraken's `AssetPairs` data. */
export interface StandInPair {
  /** The `AssetPairs` key, e.g. `XXBTZUSD`. */
  id: string;
  /** e.g. `XBTUSD`: how order descriptions name the pair. */
  altname: string;
  /** Kraken asset codes, e.g. `XXBT` and `ZUSD`. */
  base: string;
  quote: string;
  /** Price and volume rules, checked by `instrumentRefusal`. */
  instrument: Instrument;
  /** Fee % of the first step of `fees` (taker) and `fees_maker` (maker; `fees` when absent). */
  takerFeePct: number;
  makerFeePct: number;
  leverageBuy: readonly number[];
  leverageSell: readonly number[];
}

/**
 * The pairs of an `AssetPairs` result (key → entry). The account trades at the first step of
 * each schedule (volume 0): the stand-in does not move an account up the volume tiers.
 */
export function pairsFromAssetPairs(result: Record<string, unknown>): StandInPair[] {
  return Object.entries(result).flatMap(([id, raw]) => {
    const entry = AssetPairEntry.parse(raw);
    const taker = entry.fees[0]![1];
    const instrument = instrumentFromAssetPair(id, raw);
    // A pair the project cannot read as an instrument is one Kraken would not offer it either.
    if (instrument === null) return [];
    return {
      id,
      altname: entry.altname,
      base: entry.base,
      quote: entry.quote,
      instrument,
      takerFeePct: taker,
      makerFeePct: entry.fees_maker?.[0]?.[1] ?? taker,
      leverageBuy: entry.leverage_buy,
      leverageSell: entry.leverage_sell,
    };
  });
}

/** Finds pairs by any of their names: `XXBTZUSD`, `XBTUSD` or `BTC/USD`. */
export class PairDirectory {
  private readonly byName = new Map<string, StandInPair>();

  constructor(readonly all: readonly StandInPair[]) {
    // Reverse, so that the first pair of a name wins (as in `InstrumentBook`).
    for (const pair of [...all].reverse()) {
      for (const name of [pair.id, pair.altname, pair.instrument.symbol]) this.byName.set(name, pair);
    }
  }

  find(name: string): StandInPair | undefined {
    return this.byName.get(name);
  }
}
