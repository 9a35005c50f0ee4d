import { Decimal } from '../model/decimal.ts';
import { minimumQuantity } from '../market/instrument-rules.ts';
import type { Instrument } from '../market/instrument.ts';
import { krakenFailure } from './kraken-failure.ts';
import { fail, ok, warn, type LiveCheckLine } from './live-check-line.ts';
import type { LiveOutcome } from './live-outcome.ts';
import type { ListedPair } from './listed-pairs.ts';

/** What is known of one configured pair. */
export interface PairFacts {
  /** From `symbols.pairs`, e.g. `BTC/USD`. */
  symbol: string;
  /** Kraken's `AssetPairs` entry; undefined when Kraken lists no such pair. */
  listed: ListedPair | undefined;
  /** Kraken's last trade price (`Ticker`), in the pair's quote asset. */
  price: LiveOutcome<string>;
  /** The rules the system rounds and checks its orders with (`instrumentBookOf`); undefined when it has none. */
  book: Instrument | undefined;
}

/** The order sizes the config allows, in the cash asset. */
export interface OrderSizing {
  cashAsset: string;
  /** `risk.minOrderUsd`: the smallest order risk approves. */
  minOrderUsd: string;
  /** `risk.maxOrderNotionalUsd`. */
  maxOrderNotionalUsd: string;
  /** `risk.maxPositionPct`: the largest position, % of equity. */
  maxPositionPct: number;
  /** The account's value, when the balances could be valued. */
  equity: Decimal | null;
}

const money = (value: Decimal): string => value.toDecimalPlaces(2, Decimal.ROUND_UP).toFixed(2);

/** Kraken lists the pair and takes orders for it (`status: online`). */
export function checkPairListed(facts: PairFacts): LiveCheckLine {
  const check = `pair ${facts.symbol}`;
  if (!facts.listed) {
    return fail(
      check,
      'Kraken lists no such pair (AssetPairs)',
      `correct or remove ${facts.symbol} in symbols.pairs (BASE/QUOTE as Kraken's wsname, with BTC for XBT)`,
    );
  }
  if (facts.listed.status !== 'online') {
    return fail(
      check,
      `${facts.listed.key} is ${facts.listed.status}: Kraken does not take every kind of order for it now`,
      `remove ${facts.symbol} from symbols.pairs until Kraken lists it online again`,
    );
  }
  return ok(check, `${facts.listed.key} online`);
}

/**
 * The config's order sizes against Kraken's minimum order at the current price (the larger of
 * `ordermin` and `costmin / price`, see `minimumQuantity`): the smallest order risk approves,
 * and the largest one it could size (`maxOrderNotionalUsd`, or `maxPositionPct` of equity).
 * Fails when even the largest is below it (the pair can never be traded); warns when only the
 * smallest is (risk denies those orders with `instrument_minimum`).
 */
export function checkPairMinimum(facts: PairFacts, sizing: OrderSizing): LiveCheckLine {
  const check = `minimum ${facts.symbol}`;
  if (!facts.listed) return fail(check, 'not checked: Kraken lists no such pair', 'see the pair line');
  if (!facts.price.ok) {
    const failure = krakenFailure(facts.price.error);
    return fail(check, `no price (Ticker failed: ${failure.text})`, failure.fix);
  }
  const { instrument } = facts.listed;
  const [base, quote] = facts.symbol.split('/') as [string, string];
  const price = facts.price.value;
  const minimum = minimumQuantity(instrument, price).times(price);
  const rule = `ordermin ${instrument.orderMin} ${base}, costmin ${instrument.costMin} ${quote}, at ${price}`;
  if (quote !== sizing.cashAsset) {
    return warn(
      check,
      `Kraken's minimum is ${money(minimum)} ${quote} (${rule}); the config sizes orders in ${sizing.cashAsset}: not compared`,
      `compare risk.minOrderUsd with it by hand, or trade pairs quoted in ${sizing.cashAsset}`,
    );
  }
  const byPosition = sizing.equity?.times(sizing.maxPositionPct).div(100);
  const largest = Decimal.min(sizing.maxOrderNotionalUsd, byPosition ?? sizing.maxOrderNotionalUsd);
  if (largest.lt(minimum)) {
    return fail(
      check,
      `the largest order the config allows, ${money(largest)} ${quote} (risk.maxOrderNotionalUsd, risk.maxPositionPct of equity), is below Kraken's minimum order of ${money(minimum)} ${quote} (${rule})`,
      'fund the account, or raise risk.maxPositionPct / risk.maxOrderNotionalUsd',
    );
  }
  if (new Decimal(sizing.minOrderUsd).lt(minimum)) {
    // Not a failure: the risk engine denies an order below the pair's minimum
    // (`instrument_minimum`), so none is sent; the denials are noise worth removing.
    return warn(
      check,
      `risk.minOrderUsd ${sizing.minOrderUsd} ${quote} is below Kraken's minimum order of ${money(minimum)} ${quote} (${rule}): orders sized between them are denied (instrument_minimum), never sent`,
      `raise risk.minOrderUsd to at least ${money(minimum)}`,
    );
  }
  return ok(
    check,
    `Kraken's minimum ${money(minimum)} ${quote} (${rule}) ≤ risk.minOrderUsd ${sizing.minOrderUsd}; largest order ${money(largest)}`,
  );
}

/**
 * The rules the system rounds and checks orders with against Kraken's current ones: an order
 * the system approves under looser rules (a smaller minimum, more decimals, a finer tick) would
 * be refused by Kraken. Stricter rules are fine.
 */
export function checkPairRules(facts: PairFacts): LiveCheckLine {
  const check = `rules ${facts.symbol}`;
  if (!facts.listed) return fail(check, 'not checked: Kraken lists no such pair', 'see the pair line');
  const live = facts.listed.instrument;
  const asConfig = `execution.instruments."${facts.symbol}": { krakenPair: ${facts.listed.key}, priceDecimals: ${live.priceDecimals}, tickSize: "${live.tickSize}", lotDecimals: ${live.lotDecimals}, orderMin: "${live.orderMin}", costMin: "${live.costMin}" }`;
  if (!facts.book)
    return fail(check, 'the system has no instrument rules for this pair and refuses to trade it', `add ${asConfig}`);
  const book = facts.book;
  const looser = [
    new Decimal(book.orderMin).lt(live.orderMin) ? `orderMin ${book.orderMin} < ${live.orderMin}` : null,
    new Decimal(book.costMin).lt(live.costMin) ? `costMin ${book.costMin} < ${live.costMin}` : null,
    book.lotDecimals > live.lotDecimals ? `lotDecimals ${book.lotDecimals} > ${live.lotDecimals}` : null,
    book.priceDecimals > live.priceDecimals ? `priceDecimals ${book.priceDecimals} > ${live.priceDecimals}` : null,
    new Decimal(book.tickSize).mod(live.tickSize).isZero()
      ? null
      : `tickSize ${book.tickSize} is not a multiple of ${live.tickSize}`,
  ].filter((d) => d !== null);
  if (looser.length > 0) {
    return fail(
      check,
      `the system's rules are looser than Kraken's (${looser.join(', ')}): Kraken would refuse orders the system approves`,
      `set ${asConfig}`,
    );
  }
  return ok(
    check,
    `the system's rules (orderMin ${book.orderMin}, costMin ${book.costMin}, tick ${book.tickSize}) are at least as strict as Kraken's`,
  );
}
