import { Decimal } from '../model/decimal.ts';
import type { Balances } from '../exchange/exchange-port.ts';
import { krakenFailure } from './kraken-failure.ts';
import { fail, ok, warn, type LiveCheckLine } from './live-check-line.ts';
import type { LiveOutcome } from './live-outcome.ts';

/** The account's balances valued in the cash asset. */
export interface ValuedBalances {
  /** Sum of the valued balances, in the cash asset. */
  equity: Decimal;
  cash: Decimal;
  /** `BTC 0.01 ≈ 1058.99`, one per non-zero balance, cash first. */
  parts: string[];
  /** Assets held that could not be valued (no price in the cash asset). */
  unvalued: string[];
}

/**
 * Values `balances` in `cashAsset`: the cash asset as is, any other asset at its last price
 * in the cash asset (`prices`, by asset). Zero balances are left out.
 */
export function valueBalances(
  balances: Balances,
  cashAsset: string,
  prices: ReadonlyMap<string, LiveOutcome<string>>,
): ValuedBalances {
  const cash = new Decimal(balances[cashAsset] ?? '0');
  let equity = cash;
  const parts = cash.isZero() ? [] : [`${cashAsset} ${balances[cashAsset]}`];
  const unvalued: string[] = [];
  for (const [asset, amount] of Object.entries(balances).sort(([a], [b]) => a.localeCompare(b))) {
    if (asset === cashAsset || new Decimal(amount).isZero()) continue;
    const price = prices.get(asset);
    if (!price?.ok) {
      unvalued.push(`${asset} ${amount}`);
      continue;
    }
    const value = new Decimal(amount).times(price.value);
    equity = equity.plus(value);
    parts.push(`${asset} ${amount} ≈ ${value.toFixed(2)}`);
  }
  return { equity, cash, parts, unvalued };
}

/** The balances line (every asset valued) and the cash line (some cash to buy with). */
export function checkBalances(answer: LiveOutcome<ValuedBalances>, cashAsset: string): LiveCheckLine[] {
  if (!answer.ok) {
    const failure = krakenFailure(answer.error);
    return [
      fail('balances', `Balance failed: ${failure.text}`, failure.fix),
      fail('cash', 'not checked: no balances', 'see the balances line'),
    ];
  }
  const { equity, cash, parts, unvalued } = answer.value;
  const valued = `equity ${equity.toFixed(2)} ${cashAsset}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
  const balances =
    unvalued.length > 0
      ? warn(
          'balances',
          `${valued}; not valued: ${unvalued.join(', ')} (no ${cashAsset} price on Kraken)`,
          `equity and position sizes leave these out; convert them to ${cashAsset} or a traded asset if they are meant to count`,
        )
      : ok('balances', valued);
  const cashLine = cash.isZero()
    ? warn(
        'cash',
        `no ${cashAsset} in the account: the system cannot buy`,
        `deposit ${cashAsset} (symbols.cashAsset) on kraken.com before going live`,
      )
    : ok('cash', `${cash.toFixed()} ${cashAsset}`);
  return [balances, cashLine];
}
