import type { ExchangeOrder } from '../exchange/exchange-port.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { isLiveOrder } from './kraken-order.ts';

/** Wall time a count of the open orders serves the open-order limit check (`refuseOverLimit`). */
const OPEN_COUNT_FRESH_MS = 30_000;
/** Places under the limit a count must leave to serve: room for what other replicas placed meanwhile. */
const OPEN_COUNT_MARGIN = 10;

/**
 * Refuses, before sending, a resting order that would pass the account's open order limit on
 * its pair (`openOrdersPerPair`). The open orders are Kraken's (`OpenOrders`), not only ours:
 * Kraken counts every open order of the account on the pair, whoever placed it. A count this
 * process read at most `OPEN_COUNT_FRESH_MS` ago, wall time (the reconciliation reads them every
 * 15 s), plus the resting orders it placed since, serves while it leaves `OPEN_COUNT_MARGIN`
 * places for other replicas' orders; only nearer the limit is Kraken asked again: the check
 * costs the API counter nothing in the common case.
 */
export class KrakenOpenOrderGuard {
  /** The open orders per pair at Kraken's last full OpenOrders answer to this process, and the resting orders it placed since. */
  private count: { atMs: number; bySymbol: Map<string, number>; placedSince: Map<string, number> } | null = null;

  constructor(private readonly openOrdersPerPair: number) {}

  /**
   * Takes an OpenOrders answer read at `atMs` (wall time, taken before the call) as the count,
   * when `complete`: entries the answer left out (an order of a pair we do not know) count
   * against no pair we trade, but a partial answer is not a count.
   */
  recordListing(atMs: number, orders: readonly ExchangeOrder[], complete: boolean): void {
    if (!complete) return;
    const bySymbol = new Map<string, number>();
    for (const o of orders) if (isLiveOrder(o)) bySymbol.set(o.symbol, (bySymbol.get(o.symbol) ?? 0) + 1);
    this.count = { atMs, bySymbol, placedSince: new Map() };
  }

  /** A resting order Kraken accepted on `symbol` since the count. */
  recordPlaced(symbol: string): void {
    if (this.count) this.count.placedSince.set(symbol, (this.count.placedSince.get(symbol) ?? 0) + 1);
  }

  /**
   * @param listOpen Kraken's open orders now (which records a new count through `recordListing`).
   * @throws TriplegainError `EXCHANGE_REJECTED` (`requestSent: false`) when `symbol` is at the limit.
   */
  async refuseOverLimit(symbol: string, what: string, listOpen: () => Promise<ExchangeOrder[]>): Promise<void> {
    const known = this.count;
    if (known && Date.now() - known.atMs <= OPEN_COUNT_FRESH_MS) {
      const estimate = (known.bySymbol.get(symbol) ?? 0) + (known.placedSince.get(symbol) ?? 0);
      if (estimate + OPEN_COUNT_MARGIN < this.openOrdersPerPair) return;
    }
    const open = (await listOpen()).filter((o) => o.symbol === symbol && isLiveOrder(o)).length;
    if (open >= this.openOrdersPerPair) {
      throw new TriplegainError(
        'EXCHANGE_REJECTED',
        `kraken ${what}: ${open} orders are open on ${symbol}, the most the account's tier allows on one pair (${this.openOrdersPerPair}); not sent`,
        { call: what, openOrders: open, limit: this.openOrdersPerPair, requestSent: false },
      );
    }
  }
}
