import { and, asc, eq, gte, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Clock } from '../../clock/clock.ts';
import { tradingPair } from '../../config/config-fields.ts';
import type { ExecutionConfig } from '../../config/sections/execution-config.ts';
import type { Db } from '../../db/open-database.ts';
import { paperOrders } from '../../db/schema/paper-orders.ts';
import type { InstrumentBook } from '../../market/instrument-book.ts';
import { TriplegainError } from '../../shared/triplegain-error.ts';
import {
  PlaceOrderRequest,
  type Balances,
  type ExchangeOrder,
  type ExchangePort,
  type PlaceOrder,
} from '../exchange-port.ts';
import { krakenStyleId } from './kraken-style-id.ts';
import {
  readLastPrice,
  readPaperBalances,
  recordLastPrice,
  withLockedPaperAccount,
  writePaperBalances,
} from './paper-account-store.ts';
import { Decimal } from '../../model/decimal.ts';
import { toDecimalString } from './paper-decimal.ts';
import { fillPaperOrder } from './fill-paper-order.ts';
import type { PaperFill } from './paper-fill.ts';
import {
  availableBalances,
  hasFundsFor,
  needsHoldPrice,
  quoteAssetOf,
  settleFill,
  type FundsOrder,
} from './paper-funds.ts';
import { toExchangeOrder, toFundsOrder } from './paper-order-row.ts';
import { placementRefusal } from './placement-refusal.ts';
import { PriceBar, type PriceBarInput } from '../../model/price-bar.ts';

/** `execution.paper` plus `symbols.cashAsset`, the quote asset of every paper pair. */
export type PaperExchangeConfig = ExecutionConfig['paper'] & { cashAsset: string };

export interface PaperExchangeDeps {
  db: Db;
  config: PaperExchangeConfig;
  /** Orders are stamped with its time when placed, and fill only on bars that opened since (in replay: market time). */
  clock: Clock;
  /** The pairs the exchange lists and their rules (tick, decimals, minimums): the worker's book (the shipped Kraken data on paper). */
  instruments: InstrumentBook;
}

/** Kraken's answer to an order the account cannot pay for. */
export const INSUFFICIENT_FUNDS = 'EOrder:Insufficient funds';

/**
 * The built-in paper exchange: Kraken's interface over one paper account shared by every
 * worker, kept in Postgres (`paper_orders`, `paper_balances`, `paper_fills`, `paper_prices`).
 * Every write runs in one transaction with the account locked (see `withLockedPaperAccount`),
 * so concurrent calls from several processes are safe.
 *
 * It accepts what Kraken spot accepts: an order breaking its pair's rules (price decimals and
 * tick, volume decimals, `ordermin`, `costmin`; see `placementRefusal`) is refused with
 * Kraken's text, never rounded here (rounding is the sender's job).
 *
 * Orders rest as `open` (market orders too) until `onPrice` passes a bar of their symbol: the
 * matching rules are `matchOrder`'s, the money rules `paper-funds.ts`'s. An order is matched
 * only against bars that opened at or after it was placed (`openedAt`, the clock's time then):
 * a market order fills at the open of the first bar after it was accepted, never at an earlier
 * price, and a resting order is never triggered by a bar from before it rested. Feed each
 * symbol's bars in time order; a bar that is not newer than the last one an order was matched
 * against is skipped for that order too, so calling `onPrice` twice with the same bar (two
 * workers, a redelivery) fills nothing twice.
 */
export class PaperExchange implements ExchangePort {
  readonly name = 'paper' as const;
  private readonly db: Db;
  private readonly config: PaperExchangeConfig;
  private readonly clock: Clock;
  private readonly instruments: InstrumentBook;

  constructor(deps: PaperExchangeDeps) {
    this.db = deps.db;
    this.config = deps.config;
    this.clock = deps.clock;
    this.instruments = deps.instruments;
  }

  /**
   * Places an order, `open` until a bar fills it. The same `clientOrderId` again returns the
   * existing order (whatever its state), never a second one.
   *
   * @throws TriplegainError `EXCHANGE_REJECTED`, nothing stored: `EGeneral:Invalid arguments…`
   *   for a request `PlaceOrderRequest` refuses or a pair not quoted in the cash asset;
   *   `EQuery:Unknown asset pair` for a pair without an instrument; `EOrder:Invalid price…`,
   *   `EGeneral:Invalid arguments:volume`, `EOrder:Order minimum not met` or `EOrder:Cost
   *   minimum not met` for an order its pair's rules refuse (see `placementRefusal`);
   *   `EOrder:Insufficient funds` when the account's available funds do not cover it (see
   *   `paper-funds.ts`).
   * @throws TriplegainError `EXCHANGE_UNAVAILABLE` (retryable), nothing stored: an order that
   *   needs a price (a market buy, a margin market order) before `onPrice` saw its symbol.
   */
  async placeOrder(request: PlaceOrderRequest, signal?: AbortSignal): Promise<ExchangeOrder> {
    signal?.throwIfAborted();
    const parsed = PlaceOrderRequest.safeParse(request);
    if (!parsed.success) {
      throw new TriplegainError('EXCHANGE_REJECTED', `EGeneral:Invalid arguments: ${z.prettifyError(parsed.error)}`, {
        issues: parsed.error.issues,
      });
    }
    const order = parsed.data;
    if (quoteAssetOf(order.symbol) !== this.config.cashAsset) {
      throw new TriplegainError(
        'EXCHANGE_REJECTED',
        `EGeneral:Invalid arguments: the paper exchange trades pairs quoted in ${this.config.cashAsset}, not ${order.symbol}`,
        {
          symbol: order.symbol,
        },
      );
    }
    const nowMs = this.clock.now();
    return withLockedPaperAccount(this.db, this.config, nowMs, async (tx) => {
      const [existing] = await tx.select().from(paperOrders).where(eq(paperOrders.clientOrderId, order.clientOrderId));
      if (existing) return toExchangeOrder(existing);

      const lastPrice = order.type === 'market' ? await readLastPrice(tx, order.symbol) : null;
      const refusal = placementRefusal(this.instruments, order, lastPrice);
      if (refusal !== null) {
        throw new TriplegainError('EXCHANGE_REJECTED', refusal, {
          clientOrderId: order.clientOrderId,
          symbol: order.symbol,
        });
      }
      const funds: FundsOrder = {
        symbol: order.symbol,
        side: order.side,
        type: order.type,
        remainingQuantity: order.quantity,
        holdPrice: this.holdPriceFor(order, lastPrice),
        leverage: order.leverage,
        reduceOnly: order.reduceOnly,
      };
      const open = await tx.select().from(paperOrders).where(eq(paperOrders.status, 'open'));
      const available = availableBalances(
        await readPaperBalances(tx, this.config),
        open.map(toFundsOrder),
        this.config,
      );
      if (!hasFundsFor(funds, available, this.config)) {
        throw new TriplegainError('EXCHANGE_REJECTED', INSUFFICIENT_FUNDS, {
          clientOrderId: order.clientOrderId,
          symbol: order.symbol,
        });
      }

      const [row] = await tx
        .insert(paperOrders)
        .values({
          exchangeOrderId: krakenStyleId('O', order.clientOrderId),
          clientOrderId: order.clientOrderId,
          symbol: order.symbol,
          side: order.side,
          type: order.type,
          status: 'open',
          quantity: order.quantity,
          filledQuantity: '0',
          filledNotionalUsd: '0',
          limitPrice: order.limitPrice ?? null,
          triggerPrice: order.triggerPrice ?? null,
          holdPrice: funds.holdPrice,
          leverage: order.leverage,
          reduceOnly: order.reduceOnly,
          feeUsd: '0',
          openedAt: new Date(nowMs),
          updatedAt: new Date(nowMs),
        })
        .returning();
      return toExchangeOrder(row!);
    });
  }

  /**
   * Cancels an open order; one already closed or canceled is left as it is.
   *
   * @throws TriplegainError `EXCHANGE_REJECTED` `EOrder:Unknown order` when there is no such order.
   */
  async cancelOrder(exchangeOrderId: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const nowMs = this.clock.now();
    await withLockedPaperAccount(this.db, this.config, nowMs, async (tx) => {
      const [row] = await tx
        .select()
        .from(paperOrders)
        .where(eq(paperOrders.exchangeOrderId, exchangeOrderId))
        .for('update');
      if (!row) throw new TriplegainError('EXCHANGE_REJECTED', 'EOrder:Unknown order', { exchangeOrderId });
      if (row.status !== 'open') return;
      await tx
        .update(paperOrders)
        .set({ status: 'canceled', updatedAt: new Date(nowMs), closedAt: new Date(nowMs) })
        .where(eq(paperOrders.exchangeOrderId, exchangeOrderId));
    });
  }

  /** Open orders, oldest first. */
  async openOrders(signal?: AbortSignal): Promise<ExchangeOrder[]> {
    signal?.throwIfAborted();
    const rows = await this.db
      .select()
      .from(paperOrders)
      .where(eq(paperOrders.status, 'open'))
      .orderBy(asc(paperOrders.openedAt), asc(paperOrders.exchangeOrderId));
    return rows.map(toExchangeOrder);
  }

  /** Orders that were filled completely or canceled at or after `sinceMs`, in that order. */
  async closedOrders(sinceMs: number, signal?: AbortSignal): Promise<ExchangeOrder[]> {
    signal?.throwIfAborted();
    const rows = await this.db
      .select()
      .from(paperOrders)
      .where(and(inArray(paperOrders.status, ['closed', 'canceled']), gte(paperOrders.closedAt, new Date(sinceMs))))
      .orderBy(asc(paperOrders.closedAt), asc(paperOrders.exchangeOrderId));
    return rows.map(toExchangeOrder);
  }

  async findByClientOrderId(clientOrderId: string, signal?: AbortSignal): Promise<ExchangeOrder | null> {
    signal?.throwIfAborted();
    const [row] = await this.db.select().from(paperOrders).where(eq(paperOrders.clientOrderId, clientOrderId));
    return row ? toExchangeOrder(row) : null;
  }

  /** Totals per asset (what open orders hold included); the starting cash before first use. */
  async balances(signal?: AbortSignal): Promise<Balances> {
    signal?.throwIfAborted();
    return readPaperBalances(this.db, this.config);
  }

  /**
   * Matches every open order of `symbol` against `bar`, in one transaction with the account
   * locked: fills (partial ones too), order updates and balances commit together. Orders are
   * matched oldest first, each only if `bar` opened at or after the order was placed (an older
   * bar leaves it untouched). A spot fill the account can no longer pay for (a market buy that
   * slipped past its hold, a sell whose base a margin trade took) fills what it can and the rest
   * of the order is canceled, as Kraken cancels an order it cannot fund. The bar's close becomes
   * the symbol's last price (what later market orders hold cash at).
   *
   * @returns the fills, for the caller to record.
   * @throws TriplegainError `DATA_INVALID` for a malformed symbol or bar (nothing changes).
   */
  async onPrice(symbol: string, bar: PriceBarInput): Promise<PaperFill[]> {
    const pair = tradingPair().safeParse(symbol);
    const parsedBar = PriceBar.safeParse(bar);
    if (!pair.success || !parsedBar.success) {
      const error = pair.success ? parsedBar.error : pair.error;
      throw new TriplegainError('DATA_INVALID', `invalid price bar for ${symbol}: ${z.prettifyError(error!)}`, {
        symbol,
      });
    }
    const priceBar = parsedBar.data;
    const nowMs = this.clock.now();
    // No open order of the symbol: the bar only becomes its last price, without the account's
    // lock. An order committed after this look was placed after the bar opened (a placement
    // is one short transaction), so the bar could not have filled it anyway.
    const [anyOpen] = await this.db
      .select({ id: paperOrders.exchangeOrderId })
      .from(paperOrders)
      .where(and(eq(paperOrders.status, 'open'), eq(paperOrders.symbol, symbol)))
      .limit(1);
    if (!anyOpen) {
      await recordLastPrice(this.db, symbol, priceBar.close, priceBar.openTimeMs, nowMs);
      return [];
    }
    return withLockedPaperAccount(this.db, this.config, nowMs, async (tx) => {
      const open = await tx
        .select()
        .from(paperOrders)
        .where(eq(paperOrders.status, 'open'))
        .orderBy(asc(paperOrders.openedAt), asc(paperOrders.exchangeOrderId))
        .for('update');
      // What every open order still holds, kept current as orders fill and close.
      const holds = new Map(open.map((row) => [row.exchangeOrderId, toFundsOrder(row)]));
      let balances = await readPaperBalances(tx, this.config);
      const changed: Balances = {};
      const fills: PaperFill[] = [];

      for (const row of open) {
        if (row.symbol !== symbol) continue;
        // A bar that opened before the order was accepted is a price from before it existed.
        if (priceBar.openTimeMs < row.openedAt.getTime()) continue;
        if (row.lastBarOpenTime !== null && row.lastBarOpenTime.getTime() >= priceBar.openTimeMs) continue;
        const fill = await fillPaperOrder(tx, this.config, { row, bar: priceBar, balances, holds, nowMs });
        if (!fill) continue;
        const settled = settleFill(balances, fill, this.config.cashAsset);
        balances = { ...balances, ...settled };
        Object.assign(changed, settled);
        fills.push(fill);
      }

      await writePaperBalances(tx, changed, nowMs);
      await recordLastPrice(tx, symbol, priceBar.close, priceBar.openTimeMs, nowMs);
      return fills;
    });
  }

  /**
   * The price per base unit the order needs cash at: a limit order's limit, a stop's trigger, a
   * market order's last known price `last` (± slippage: a buy pays more); null for a spot
   * market sell before any price (it needs no cash).
   */
  private holdPriceFor(order: PlaceOrder, last: string | null): string | null {
    if (order.type === 'limit') return order.limitPrice!;
    if (order.type === 'stop-loss' || order.type === 'take-profit') return order.triggerPrice!;
    if (last === null) {
      if (!needsHoldPrice(order)) return null;
      throw new TriplegainError(
        'EXCHANGE_UNAVAILABLE',
        `EService:Unavailable: the paper exchange has no price for ${order.symbol} yet`,
        { symbol: order.symbol },
      );
    }
    const slip = new Decimal(this.config.slippageBps).dividedBy(10_000);
    return toDecimalString(
      new Decimal(last).times(order.side === 'buy' ? new Decimal(1).plus(slip) : new Decimal(1).minus(slip)),
    );
  }
}
