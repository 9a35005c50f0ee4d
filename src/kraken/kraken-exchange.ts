import { z } from 'zod';
import { systemClock, type Clock } from '../clock/clock.ts';
import { silentLogger, type Logger } from '../shared/logger.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';
import {
  PlaceOrderRequest,
  type MarginPosition,
  type BalanceReadOptions,
  type Balances,
  type ExchangeOrder,
  type ExchangePort,
} from '../exchange/exchange-port.ts';
import { KrakenBalanceReader } from './kraken-balance-reader.ts';
import { KRAKEN_OPEN_ORDERS_PER_PAIR } from './kraken-open-order-limits.ts';
import { KrakenMarginReader } from './kraken-margin-reader.ts';
import { KrakenOpenOrderGuard } from './kraken-open-order-guard.ts';
import { isLiveOrder, parseKrakenOrder, sameClientOrderId } from './kraken-order.ts';
import { queryKrakenOrders } from './kraken-query-orders.ts';
import { krakenRejected } from './kraken-rejected.ts';
import type { KrakenPrivateClient } from './kraken-private-client.ts';
import { cancelPenalty, KRAKEN_ADD_ORDER_COST } from './kraken-trading-limiter.ts';

export interface KrakenExchangeOptions {
  client: KrakenPrivateClient;
  /** Stamps the order `placeOrder` returns. Default the system clock. */
  clock?: Clock;
  logger?: Logger;
  /** `execution.margin`: whether an order may carry leverage above 1. Default false (spot only). */
  margin?: boolean;
  /** Orders the account may have open on one pair (`KRAKEN_OPEN_ORDERS_PER_PAIR` of its tier). Default the Starter tier's. */
  openOrdersPerPair?: number;
}

/**
 * How far ahead of the signing moment an AddOrder's `deadline` lies, wall time: Kraken accepts
 * 500 ms to 60 s (default 5 s) and does not match the order after it, so an order delayed on
 * the way cannot trade on a stale decision ("deadline", Add Order,
 * https://docs.kraken.com/api-reference/trading/add-order; the same range in
 * https://docs.kraken.com/exchange/api-reference/unified-ws/batch_add).
 */
export const KRAKEN_ORDER_DEADLINE_MS = 5_000;

/** `CancelAllOrdersAfter`'s answer: `triggerTime` is `"0"` when disarmed. */
const DeadManSwitchResult = z.object({ currentTime: z.string(), triggerTime: z.string() });
const AddOrderResult = z.object({ txid: z.array(z.string().min(1)).min(1) });
const Orders = z.record(z.string(), z.unknown());
/** `count` is a number, or a string in some answers. */
const Count = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);
const OpenOrdersResult = z.object({ open: Orders });
const ClosedOrdersResult = z.object({ closed: Orders, count: Count.optional() });

/**
 * The Kraken spot account as an `ExchangePort`, over `KrakenPrivateClient` (one writer per API
 * key, shared rate limits, no retries).
 *
 * - `placeOrder` sends AddOrder once, with the client order id as `cl_ord_id` and a `deadline`
 *   a few seconds ahead (`KRAKEN_ORDER_DEADLINE_MS`), and returns the order as accepted
 *   (`pending`, nothing filled): its fills come with the next query. Market, limit,
 *   `stop-loss` and `take-profit` (`price` = trigger, then at market); `leverage` when above 1,
 *   and `reduce_only` with it (spot orders have no position to reduce). Refused before sending:
 *   leverage above 1 without `margin`, and a resting order past the tier's open orders on its
 *   pair (`openOrdersPerPair`).
 * - `balances` and `availableBalances` (net of what resting orders hold) both read `BalanceEx`
 *   (`KrakenBalanceReader`) and count Kraken Rewards `.F` balances as their asset;
 *   `marginEquity` reads `TradeBalance`.
 * - Order lookups, the open and closed orders and the dead man's switch are `protective` calls
 *   on the account's API counter (`CallPriority`): the balance reads of new trades and of
 *   valuations never leave them without room.
 * - `cancelOrder` charges the pair's trading counter the penalty for the order's age.
 * - `findByClientOrderId` asks OpenOrders, then ClosedOrders, filtered by `cl_ord_id`.
 *
 * Orders Kraken reports in a shape or pair we cannot read are left out of lists with a warning.
 */
export class KrakenExchange implements ExchangePort {
  readonly name = 'kraken' as const;
  /**
   * Every AddOrder carries `deadline` (`KRAKEN_ORDER_DEADLINE_MS` after it is signed): Kraken's
   * engine rejects a request that reaches it later, so an order not there once the deadline has
   * passed never will be. 10 s more covers a difference between our clock and Kraken's (`live
   * check` fails a larger one).
   */
  readonly lateArrivalMs = KRAKEN_ORDER_DEADLINE_MS + 10_000;
  private readonly client: KrakenPrivateClient;
  private readonly balanceReader: KrakenBalanceReader;
  private readonly marginReader: KrakenMarginReader;
  private readonly openOrderGuard: KrakenOpenOrderGuard;
  private readonly clock: Clock;
  private readonly logger: Logger;

  private readonly margin: boolean;

  constructor(opts: KrakenExchangeOptions) {
    this.client = opts.client;
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
    this.balanceReader = new KrakenBalanceReader(this.client, this.logger);
    this.margin = opts.margin ?? false;
    this.marginReader = new KrakenMarginReader(this.client);
    this.openOrderGuard = new KrakenOpenOrderGuard(opts.openOrdersPerPair ?? KRAKEN_OPEN_ORDERS_PER_PAIR.starter);
  }

  async placeOrder(request: PlaceOrderRequest, signal?: AbortSignal): Promise<ExchangeOrder> {
    const parsed = PlaceOrderRequest.safeParse(request);
    if (!parsed.success) {
      throw new TriplegainError(
        'EXCHANGE_REJECTED',
        `kraken AddOrder: invalid order: ${z.prettifyError(parsed.error)}`,
        { requestSent: false },
      );
    }
    const order = parsed.data;
    const what = `AddOrder ${order.symbol} ${order.clientOrderId}`;
    // The last guard of spot trading: whatever asked for it, no leverage leaves without margin.
    if (order.leverage > 1 && !this.margin) {
      throw new TriplegainError(
        'EXCHANGE_REJECTED',
        `kraken ${what}: leverage ${order.leverage} needs margin, and execution.margin is false`,
        { call: what, requestSent: false },
      );
    }
    const market = await this.client.market(order.symbol);
    // A market order does not rest in the book, so it adds nothing to the open orders counted.
    if (order.type !== 'market') {
      await this.openOrderGuard
        .refuseOverLimit(order.symbol, what, () => this.openOrders(signal))
        .catch((err: unknown) => {
          if (err instanceof TriplegainError && err.details['requestSent'] === false && err.details['call'] === what)
            throw err;
          // The count failed (the OpenOrders call's own outcome aside): AddOrder never left.
          throw new TriplegainError(
            'EXCHANGE_UNAVAILABLE',
            `kraken ${what}: not sent: the pair's open orders could not be counted: ${describeError(err)}`,
            { call: what, requestSent: false },
            { cause: err },
          );
        });
    }
    const params: Record<string, string> = {
      pair: market.id,
      type: order.side,
      ordertype: order.type,
      volume: order.quantity,
    };
    if (order.type === 'limit') params['price'] = order.limitPrice!;
    if (order.type === 'stop-loss' || order.type === 'take-profit') params['price'] = order.triggerPrice!;
    if (order.leverage > 1) {
      if (order.reduceOnly) params['reduce_only'] = 'true';
      params['leverage'] = String(order.leverage);
    }
    params['cl_ord_id'] = order.clientOrderId;

    const result = await this.client.call('AddOrder', params, {
      signal,
      what,
      trading: { symbol: order.symbol, cost: KRAKEN_ADD_ORDER_COST },
      deadlineMs: KRAKEN_ORDER_DEADLINE_MS,
    });
    const accepted = AddOrderResult.safeParse(result);
    if (!accepted.success) {
      // Kraken answered without an error: the order probably exists. Unknown outcome.
      throw new TriplegainError('EXCHANGE_UNAVAILABLE', `kraken ${what}: the answer has no txid`, {
        call: what,
        requestSent: true,
      });
    }
    const txid = accepted.data.txid[0]!;
    if (order.type !== 'market') this.openOrderGuard.recordPlaced(order.symbol);
    await this.client.trading.recordPlaced(txid, order.symbol).catch((err: unknown) => {
      // Only the cancel penalty needs it; without it a cancel asks Kraken for the order's age.
      this.logger.warn({ txid, err: describeError(err) }, 'kraken order placement time not recorded');
    });
    const nowMs = this.clock.now();
    return {
      exchangeOrderId: txid,
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      type: order.type,
      status: 'pending',
      quantity: order.quantity,
      filledQuantity: '0',
      avgFillPrice: null,
      limitPrice: order.type === 'limit' ? order.limitPrice! : null,
      triggerPrice: order.type === 'stop-loss' || order.type === 'take-profit' ? order.triggerPrice! : null,
      feeUsd: '0',
      openedAtMs: nowMs,
      updatedAtMs: nowMs,
    };
  }

  async cancelOrder(exchangeOrderId: string, signal?: AbortSignal): Promise<void> {
    const what = `CancelOrder ${exchangeOrderId}`;
    let placed = await this.client.trading.placedOrder(exchangeOrderId).catch(() => null);
    if (!placed) {
      // Not placed from here (or long ago): Kraken knows its pair and age.
      const order = await this.findOrder(exchangeOrderId, signal);
      if (!order)
        throw new TriplegainError('EXCHANGE_REJECTED', `kraken ${what}: Kraken has no such order`, {
          call: what,
          requestSent: false,
        });
      if (!isLiveOrder(order)) return;
      placed = { symbol: order.symbol, ageMs: Math.max(0, this.clock.now() - order.openedAtMs) };
    }
    try {
      await this.client.call(
        'CancelOrder',
        { txid: exchangeOrderId },
        { signal, what, trading: { symbol: placed.symbol, cost: cancelPenalty(placed.ageMs) } },
      );
    } catch (err) {
      // Kraken says "unknown" for an order that is no longer open: done if it has closed.
      if (err instanceof TriplegainError && err.details['krakenError'] === 'EOrder:Unknown order') {
        const order = await this.findOrder(exchangeOrderId, signal);
        if (order && !isLiveOrder(order)) return;
      }
      throw err;
    }
  }

  async openOrders(signal?: AbortSignal): Promise<ExchangeOrder[]> {
    // Wall time, taken before the call: the count is at least as fresh as this.
    const atMs = Date.now();
    const result = await this.client.call('OpenOrders', {}, { signal, priority: 'protective' });
    const page = OpenOrdersResult.safeParse(result);
    if (!page.success) throw krakenRejected('OpenOrders', `unexpected answer: ${z.prettifyError(page.error)}`);
    const orders = await this.parseOrders(page.data.open, 'OpenOrders');
    this.openOrderGuard.recordListing(atMs, orders, Object.keys(page.data.open).length === orders.length);
    return orders;
  }

  async closedOrders(sinceMs: number, signal?: AbortSignal): Promise<ExchangeOrder[]> {
    // `start` is exclusive and in seconds: one second earlier, then filtered here.
    const params = { start: String(Math.max(0, Math.floor(sinceMs / 1000) - 1)), closetime: 'close' };
    const orders = new Map<string, ExchangeOrder>();
    for (;;) {
      const result = await this.client.call(
        'ClosedOrders',
        { ...params, ofs: String(orders.size) },
        { signal, what: `ClosedOrders since ${sinceMs}`, priority: 'protective' },
      );
      const page = ClosedOrdersResult.safeParse(result);
      if (!page.success) throw krakenRejected('ClosedOrders', `unexpected answer: ${z.prettifyError(page.error)}`);
      const before = orders.size;
      for (const order of await this.parseOrders(page.data.closed, 'ClosedOrders'))
        orders.set(order.exchangeOrderId, order);
      const entries = Object.keys(page.data.closed).length;
      // Kraken pages 50 at a time with `count` the total; stop on a page that adds nothing.
      if (entries === 0 || orders.size === before || page.data.count === undefined || orders.size >= page.data.count)
        break;
    }
    return [...orders.values()].filter((o) => o.updatedAtMs >= sinceMs);
  }

  /** One ClosedOrders listing (by close time, paged) for every order asked, matched by `cl_ord_id`. */
  async closedByClientOrderIds(
    clientOrderIds: readonly string[],
    sinceWallMs: number,
    signal?: AbortSignal,
  ): Promise<Map<string, ExchangeOrder>> {
    const found = new Map<string, ExchangeOrder>();
    if (clientOrderIds.length === 0) return found;
    const closed = await this.closedOrders(sinceWallMs, signal);
    for (const id of clientOrderIds) {
      // The newest, as `findByClientOrderId` takes it.
      const order = closed
        .filter((o) => sameClientOrderId(o.clientOrderId, id))
        .sort((a, b) => b.updatedAtMs - a.updatedAtMs)[0];
      if (order) found.set(id, order);
    }
    return found;
  }

  async findByClientOrderId(clientOrderId: string, signal?: AbortSignal): Promise<ExchangeOrder | null> {
    const what = `find ${clientOrderId}`;
    const open = OpenOrdersResult.safeParse(
      await this.client.call(
        'OpenOrders',
        { cl_ord_id: clientOrderId },
        { signal, what: `OpenOrders ${clientOrderId}`, priority: 'protective' },
      ),
    );
    if (!open.success) throw krakenRejected(what, `unexpected answer: ${z.prettifyError(open.error)}`);
    const found = await this.matching(open.data.open, clientOrderId);
    if (found) return found;
    const closed = ClosedOrdersResult.safeParse(
      await this.client.call(
        'ClosedOrders',
        { cl_ord_id: clientOrderId },
        { signal, what: `ClosedOrders ${clientOrderId}`, priority: 'protective' },
      ),
    );
    if (!closed.success) throw krakenRejected(what, `unexpected answer: ${z.prettifyError(closed.error)}`);
    return this.matching(closed.data.closed, clientOrderId);
  }

  /**
   * Arms (or re-arms) Kraken's dead man's switch: unless called again within `timeoutSec`,
   * Kraken cancels every open order of the account. 0 disarms it.
   *
   * @returns when Kraken will cancel (ISO time), or null when disarmed.
   */
  async armDeadManSwitch(timeoutSec: number, signal?: AbortSignal): Promise<string | null> {
    const result = await this.client.call(
      'CancelAllOrdersAfter',
      { timeout: String(timeoutSec) },
      { signal, what: 'CancelAllOrdersAfter', priority: 'protective' },
    );
    const trigger = DeadManSwitchResult.safeParse(result);
    if (!trigger.success)
      throw new TriplegainError(
        'EXCHANGE_REJECTED',
        `kraken CancelAllOrdersAfter: unexpected answer ${JSON.stringify(result)}`,
      );
    return trigger.data.triggerTime === '0' ? null : trigger.data.triggerTime;
  }

  /** Every balance that counts as tradable (`tradableAssetOf`: Kraken Rewards `.F` balances count as their asset), by our code. */
  balances(signal?: AbortSignal, options?: BalanceReadOptions): Promise<Balances> {
    return this.balanceReader.totals(signal, options);
  }

  /** What each asset has free to trade now (`KrakenBalanceReader.available`). */
  availableBalances(signal?: AbortSignal, options?: BalanceReadOptions): Promise<Balances> {
    return this.balanceReader.available(signal, options);
  }

  /** The margin account's equity in `cashAsset` (`KrakenMarginReader.equity`). */
  marginEquity(cashAsset: string, signal?: AbortSignal): Promise<string> {
    return this.marginReader.equity(cashAsset, signal);
  }

  /** The margin account's open positions, net per symbol (`KrakenMarginReader.positions`). */
  marginPositions(signal?: AbortSignal): Promise<MarginPosition[]> {
    return this.marginReader.positions(signal);
  }

  /** The order with this txid, or null when Kraken has none: one `QueryOrders` (cost 1), where `findByClientOrderId` may take three. */
  async findOrder(txid: string, signal?: AbortSignal): Promise<ExchangeOrder | null> {
    return (await this.findOrders([txid], signal)).get(txid) ?? null;
  }

  /** The orders with these txids, open or closed, keyed by txid (`queryKrakenOrders`). */
  findOrders(txids: readonly string[], signal?: AbortSignal): Promise<Map<string, ExchangeOrder>> {
    return queryKrakenOrders(this.client, txids, signal);
  }

  private async parseOrders(entries: Record<string, unknown>, what: string): Promise<ExchangeOrder[]> {
    await this.client.loadMarkets();
    const orders: ExchangeOrder[] = [];
    for (const [txid, raw] of Object.entries(entries)) {
      const parsed = parseKrakenOrder(txid, raw, (pair) => this.client.symbolOf(pair));
      if (parsed.ok) orders.push(parsed.order);
      else this.logger.warn({ call: what, txid, problem: parsed.problem }, 'kraken order left out');
    }
    return orders;
  }

  /** The newest order carrying `clientOrderId`, whether or not Kraken applied the filter. */
  private async matching(entries: Record<string, unknown>, clientOrderId: string): Promise<ExchangeOrder | null> {
    const candidates = Object.fromEntries(
      Object.entries(entries).filter(([, raw]) =>
        sameClientOrderId((raw as { cl_ord_id?: unknown } | null)?.cl_ord_id, clientOrderId),
      ),
    );
    if (Object.keys(candidates).length === 0) return null;
    const orders = await this.parseOrders(candidates, `find ${clientOrderId}`);
    if (orders.length === 0)
      throw krakenRejected(
        `find ${clientOrderId}`,
        'the order carrying this client id cannot be read (see the warning)',
      );
    return orders.reduce((a, b) => (b.openedAtMs > a.openedAtMs ? b : a));
  }
}
