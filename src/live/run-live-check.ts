import type { AppConfig } from '../config/app-config.ts';
import type { InstrumentBook } from '../market/instrument-book.ts';
import type { KrakenPublicClient } from '../kraken/kraken-public-client.ts';
import type { Ticker } from '../market/ticker.ts';
import { pairOf } from '../model/trading-pair.ts';
import { checkBalances, valueBalances, type ValuedBalances } from './check-balances.ts';
import { checkClockSkew } from './check-clock-skew.ts';
import { checkFees, checkTier } from './check-fees.ts';
import { checkKeyPermissions } from './check-key-permissions.ts';
import { checkNonce } from './check-nonce.ts';
import { checkOrderValidation } from './check-order-validation.ts';
import { checkPairListed, checkPairMinimum, checkPairRules, type PairFacts } from './check-pair.ts';
import type { KrakenAccountReader } from './kraken-account-reader.ts';
import { krakenFailure } from './kraken-failure.ts';
import type { KrakenOrderValidator } from './kraken-order-validator.ts';
import { fail, type LiveCheckLine } from './live-check-line.ts';
import { attempt, type LiveOutcome } from './live-outcome.ts';
import { listedPairs } from './listed-pairs.ts';
import { validationOrderFor } from './validation-order.ts';

/** What the live check reads and sends; see `krakenLiveCheckDeps` for Kraken's. */
export interface LiveCheckDeps {
  config: Pick<AppConfig, 'symbols' | 'risk' | 'execution'>;
  /** The rules a worker would trade with, given Kraken's `AssetPairs` answer (a live worker's book: that answer plus `execution.instruments`). */
  instrumentsFrom(assetPairs: Record<string, unknown>): Pick<InstrumentBook, 'find'>;
  /** Kraken's public data, as the running system reads it (`marketData.kraken`). */
  market: Pick<KrakenPublicClient, 'fetchServerTime' | 'fetchAssetPairs' | 'fetchTicker'>;
  /** The account, read only. */
  account: Pick<KrakenAccountReader, 'apiKeyInfo' | 'tradeVolume' | 'balances'>;
  /** The one way to send an AddOrder here: `validate=true`, nothing placed. */
  validator: Pick<KrakenOrderValidator, 'validate'>;
}

/**
 * The preflight before going live, one line per check, in this order: the clock against
 * Kraken's, the key's rights, the balances valued in the cash asset and the cash, the tier and
 * fees, then per configured pair: listed and online, Kraken's minimum against the config's order
 * sizes, the system's instrument rules against Kraken's, and a validate-only AddOrder of the
 * pair's minimum; last, whether Kraken took the nonces. Every request is made once and its
 * failure becomes a failed line; nothing is retried and no order is placed.
 */
export async function runLiveCheck(deps: LiveCheckDeps): Promise<LiveCheckLine[]> {
  const { symbols, risk, execution } = deps.config;
  const cashAsset = symbols.cashAsset;
  const tickers = new Map<string, Promise<LiveOutcome<Ticker>>>();
  const tickerOf = (symbol: string): Promise<LiveOutcome<Ticker>> => {
    let ticker = tickers.get(symbol);
    if (!ticker) tickers.set(symbol, (ticker = attempt(() => deps.market.fetchTicker(symbol))));
    return ticker;
  };
  const lastOf = async (symbol: string): Promise<LiveOutcome<string>> => {
    const ticker = await tickerOf(symbol);
    return ticker.ok ? { ok: true, value: ticker.value.last } : ticker;
  };

  const lines: LiveCheckLine[] = [checkClockSkew(await attempt(() => deps.market.fetchServerTime()))];

  const keyInfo = await attempt(() => deps.account.apiKeyInfo());
  lines.push(checkKeyPermissions(keyInfo));

  const balances = await attempt(() => deps.account.balances());
  let valued: LiveOutcome<ValuedBalances> = balances.ok
    ? { ok: true, value: valueBalances({}, cashAsset, new Map()) }
    : balances;
  if (balances.ok) {
    const prices = new Map<string, LiveOutcome<string>>();
    for (const [asset, amount] of Object.entries(balances.value)) {
      if (asset !== cashAsset && Number(amount) !== 0) prices.set(asset, await lastOf(pairOf(asset, cashAsset)));
    }
    valued = { ok: true, value: valueBalances(balances.value, cashAsset, prices) };
  }
  lines.push(...checkBalances(valued, cashAsset));

  const assetPairs = await attempt(() => deps.market.fetchAssetPairs());
  const listed = assetPairs.ok ? listedPairs(assetPairs.value) : new Map();
  const instruments = assetPairs.ok ? deps.instrumentsFrom(assetPairs.value) : undefined;
  const keyed = symbols.pairs.flatMap((symbol) => {
    const key = listed.get(symbol)?.key;
    return key ? [{ symbol, key }] : [];
  });
  const volume = await attempt(() => deps.account.tradeVolume(keyed.map((p) => p.key)));
  lines.push(checkTier(execution.kraken.tier), checkFees(volume, keyed));

  const validations: LiveOutcome<unknown>[] = [];
  if (!assetPairs.ok) {
    const failure = krakenFailure(assetPairs.error);
    lines.push(fail('pairs', `AssetPairs failed: ${failure.text}; no pair checked`, failure.fix));
  } else {
    const sizing = {
      cashAsset,
      minOrderUsd: risk.minOrderUsd,
      maxOrderNotionalUsd: risk.maxOrderNotionalUsd,
      maxPositionPct: risk.maxPositionPct,
      equity: valued.ok ? valued.value.equity : null,
    };
    for (const symbol of symbols.pairs) {
      const facts: PairFacts = {
        symbol,
        listed: listed.get(symbol),
        price: await lastOf(symbol),
        book: instruments?.find(symbol),
      };
      lines.push(checkPairListed(facts), checkPairMinimum(facts, sizing), checkPairRules(facts));
      const ticker = await tickerOf(symbol);
      if (!facts.listed || facts.listed.status !== 'online' || !ticker.ok) {
        lines.push(checkOrderValidation(symbol, { skipped: 'the pair is not tradable or has no price' }));
        continue;
      }
      const planned = validationOrderFor(facts.listed.instrument, ticker.value.bid);
      if ('refusal' in planned) {
        lines.push(
          checkOrderValidation(symbol, {
            skipped: `the pair's own rules refuse its minimum order (${planned.refusal})`,
          }),
        );
        continue;
      }
      const answer = await attempt(() => deps.validator.validate(planned.order));
      validations.push(answer);
      lines.push(checkOrderValidation(symbol, { order: planned.order, answer }));
    }
  }

  lines.push(checkNonce([keyInfo, balances, volume, ...validations]));
  return lines;
}
