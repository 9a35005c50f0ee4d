import { Decimal } from '../model/decimal.ts';
import { z } from 'zod';
import { DecimalString } from '../model/decimal-string.ts';
import { silentLogger, type Logger } from '../shared/logger.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import type { CallPriority } from '../exchange/call-priority.ts';
import { Balances, SAME_MOMENT_MS, type BalanceReadOptions } from '../exchange/exchange-port.ts';
import type { KrakenPrivateClient } from './kraken-private-client.ts';

/** `BalanceEx`: per Kraken asset, its balance and what resting orders hold (Get Extended Balance). */
const BalanceExResult = z.record(
  z.string(),
  z.looseObject({
    balance: DecimalString,
    hold_trade: DecimalString.optional(),
    credit: DecimalString.optional(),
    credit_used: DecimalString.optional(),
  }),
);
type BalanceEx = z.infer<typeof BalanceExResult>;

/** A `BalanceEx` in flight, when it was begun, and how many readers still wait for it. */
interface SharedRead {
  controller: AbortController;
  readers: number;
  result: Promise<BalanceEx>;
  /** `performance.now()` when the read began (before any wait for the API counter): it was sent no earlier. */
  startedAtMs: number;
}

/** Our codes as `Balances` keys them. */
const PlainAssetCode = /^[A-Z0-9]{2,12}$/;

/**
 * The Kraken asset a balance entry counts as, or null when it does not count as tradable.
 *
 * Kraken's balance suffixes (Balance and BalanceEx, https://docs.kraken.com/api-reference/account-data/get-account-balance,
 * and "What is Asset.S and Asset.M", https://support.kraken.com/hc/en-us/articles/360039879471):
 * - `.F`, balances earning in Kraken Rewards: traded through the base asset itself (the docs:
 *   use `USDT` to transact with your `USDT` and `USDT.F` balances), so they count as it.
 * - `.S` (staked), `.M` (opt-in rewards), `.B` (yield-bearing products), `.P` (parachain
 *   allocations) and `.T` (tokenized assets): read-only or locked until taken out of the
 *   product, or another asset altogether; they do not count.
 */
export function tradableAssetOf(entry: string): string | null {
  const dot = entry.indexOf('.');
  if (dot === -1) return entry;
  return entry.slice(dot) === '.F' ? entry.slice(0, dot) : null;
}

/**
 * The account's balances from one private call, `BalanceEx` (Get Extended Balance,
 * https://docs.kraken.com/api-reference/account-data/get-extended-balance): its `balance` is
 * what `Balance` would say, and its holds give what is free. One call instead of `Balance` and
 * `BalanceEx` halves what a risk decision costs on the account's API counter. A read is shared
 * by every reader that allows its age (`maxAgeMs`, counted from when it began): reads of one
 * priority in flight (the risk job asks for equity and free cash together, and proposals of
 * several pairs come at once), and the last one done (risk decisions a few seconds apart; a
 * caller that allows an age must account for what changed since, as the risk job does with
 * the reservations released since then).
 */
export class KrakenBalanceReader {
  readonly #client: KrakenPrivateClient;
  readonly #logger: Logger;
  readonly #inFlight = new Map<CallPriority, SharedRead>();
  /** The last read done, of any priority. */
  #last: { startedAtMs: number; result: BalanceEx } | null = null;

  constructor(client: KrakenPrivateClient, logger: Logger = silentLogger) {
    this.#client = client;
    this.#logger = logger;
  }

  /** Every balance that counts as tradable (`tradableAssetOf`), by our code. */
  async totals(signal?: AbortSignal, options: BalanceReadOptions = {}): Promise<Balances> {
    const entries = await this.#extended(signal, options);
    return this.#byAssetCode(Object.entries(entries).map(([asset, b]): [string, string] => [asset, b.balance]));
  }

  /**
   * What each asset has free to trade now: `balance + credit − credit_used − hold_trade`,
   * Kraken's "available balance"; `hold_trade` is what resting orders hold (the quote of a buy,
   * the base of a sell; spot orders only).
   */
  async available(signal?: AbortSignal, options: BalanceReadOptions = {}): Promise<Balances> {
    const entries = await this.#extended(signal, options);
    return this.#byAssetCode(
      Object.entries(entries).map(([asset, b]): [string, string] => [
        asset,
        new Decimal(b.balance)
          .plus(b.credit ?? '0')
          .minus(b.credit_used ?? '0')
          .minus(b.hold_trade ?? '0')
          .toFixed(),
      ]),
    );
  }

  /**
   * The last `BalanceEx` done, or one in flight of this priority, when begun within `maxAgeMs`
   * (without it: one in flight begun at the same moment, `SAME_MOMENT_MS`); else a new one. A
   * request runs on a signal of its own, aborted only once every reader waiting on it has
   * given up (each by its own signal): a reader that leaves early never cancels another's read,
   * and a request nobody waits for any more does not go on to spend the API counter.
   */
  async #extended(
    signal: AbortSignal | undefined,
    { priority = 'trading', maxAgeMs }: BalanceReadOptions,
  ): Promise<BalanceEx> {
    signal?.throwIfAborted();
    const last = this.#last;
    // Shared only while a read of this priority would be admitted now: a busy counter holds the
    // reader back (or refuses it) as its own read would, and what it leads to (an order, its
    // follow-up, its stop) waits with it.
    if (
      maxAgeMs !== undefined &&
      last &&
      performance.now() - last.startedAtMs <= maxAgeMs &&
      (await this.#client.hasRoom(priority))
    )
      return last.result;
    const nowMs = performance.now();
    let shared = this.#inFlight.get(priority);
    if (!shared || nowMs - shared.startedAtMs > (maxAgeMs ?? SAME_MOMENT_MS)) {
      const controller = new AbortController();
      const request: SharedRead = {
        controller,
        readers: 0,
        startedAtMs: nowMs,
        result: this.#request(controller.signal, priority),
      };
      // Settled, it is no longer in flight before any reader resumes (this handler runs first):
      // a read asked for after this one's answer never joins it.
      const settled = () => this.#inFlight.get(priority) === request && this.#inFlight.delete(priority);
      void request.result.then((result) => {
        settled();
        if (!this.#last || this.#last.startedAtMs < request.startedAtMs)
          this.#last = { startedAtMs: request.startedAtMs, result };
      }, settled);
      this.#inFlight.set(priority, request);
      shared = request;
    }
    return this.#join(shared, signal, priority);
  }

  #join(shared: SharedRead, signal: AbortSignal | undefined, priority: CallPriority): Promise<BalanceEx> {
    shared.readers += 1;
    if (!signal) return shared.result;
    return new Promise<BalanceEx>((resolve, reject) => {
      const leave = () => {
        shared.readers -= 1;
        if (shared.readers === 0) {
          shared.controller.abort(signal.reason);
          if (this.#inFlight.get(priority) === shared) this.#inFlight.delete(priority);
        }
        reject(
          new TriplegainError(
            'TIMEOUT',
            'kraken BalanceEx: the reader gave up (its deadline passed or its job ended) before the read was done',
            { call: 'BalanceEx' },
          ),
        );
      };
      signal.addEventListener('abort', leave, { once: true });
      shared.result.then(
        (value) => {
          signal.removeEventListener('abort', leave);
          resolve(value);
        },
        (err: unknown) => {
          signal.removeEventListener('abort', leave);
          reject(err);
        },
      );
    });
  }

  async #request(signal: AbortSignal, priority: CallPriority): Promise<BalanceEx> {
    await this.#client.loadMarkets();
    const result = BalanceExResult.safeParse(await this.#client.call('BalanceEx', {}, { signal, priority }));
    if (!result.success) {
      throw new TriplegainError(
        'EXCHANGE_REJECTED',
        `kraken BalanceEx: unexpected answer: ${z.prettifyError(result.error)}`,
        { call: 'BalanceEx' },
      );
    }
    return result.data;
  }

  /** Kraken's balance entries by our asset code, those that do not count left out, several entries of one code added up. */
  #byAssetCode(entries: [string, string][]): Balances {
    const balances: Record<string, string> = {};
    for (const [asset, amount] of entries) {
      const tradable = tradableAssetOf(asset);
      const code = tradable === null ? null : this.#client.assetCode(tradable);
      if (code === null || !PlainAssetCode.test(code)) {
        this.#logger.debug({ asset, code }, 'kraken balance of a non-tradable asset left out');
        continue;
      }
      // Kraken's string as is; entries of one code (`XXBT`, `XBT.F`) are added up. Decimal's
      // toFixed() never switches to exponent notation.
      const other = balances[code];
      balances[code] = other === undefined ? amount : new Decimal(other).plus(amount).toFixed();
    }
    return Balances.parse(balances);
  }
}
