import { z } from 'zod';
import { PositionSide } from '../model/position-side.ts';
import { Side } from '../model/side.ts';
import { tradingPair } from '../config/config-fields.ts';
import { DecimalString, NonNegativeDecimalString, PositiveDecimalString } from '../model/decimal-string.ts';
import type { CallPriority } from './call-priority.ts';

/** Order types both exchanges support. `stop-loss` and `take-profit` rest until the price crosses `triggerPrice`, then trade at market. */
export const OrderType = z.enum(['market', 'limit', 'stop-loss', 'take-profit']);
export type OrderType = z.infer<typeof OrderType>;

/** One order to place. Prices and quantities are decimal strings; `clientOrderId` is ours and stable across retries. */
export const PlaceOrderRequest = z
  .object({
    /** Derived from the approved proposal; sent to Kraken as `cl_ord_id`. */
    clientOrderId: z.string().min(1).max(36),
    symbol: tradingPair(),
    side: Side,
    type: OrderType,
    /** Base-asset units. */
    quantity: PositiveDecimalString,
    /** Limit price (`limit`). */
    limitPrice: PositiveDecimalString.optional(),
    /** Trigger price (`stop-loss`, `take-profit`). */
    triggerPrice: PositiveDecimalString.optional(),
    /** Margin leverage, a whole number the pair lists (`allowedLeverage`); 1 (or absent) trades spot. */
    leverage: z.number().int().min(1).max(5).default(1),
    /** Only reduce an open position (protective orders, closes). */
    reduceOnly: z.boolean().default(false),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.type === 'limit' && o.limitPrice === undefined)
      ctx.addIssue({ code: 'custom', path: ['limitPrice'], message: 'a limit order needs limitPrice' });
    if ((o.type === 'stop-loss' || o.type === 'take-profit') && o.triggerPrice === undefined)
      ctx.addIssue({ code: 'custom', path: ['triggerPrice'], message: `a ${o.type} order needs triggerPrice` });
  });
export type PlaceOrderRequest = z.input<typeof PlaceOrderRequest>;
export type PlaceOrder = z.output<typeof PlaceOrderRequest>;

/** An order as the exchange reports it. */
export const ExchangeOrder = z
  .object({
    exchangeOrderId: z.string().min(1),
    /** Null for an order placed outside this system (found at reconciliation). */
    clientOrderId: z.string().min(1).nullable(),
    symbol: tradingPair(),
    side: Side,
    type: OrderType,
    /** Kraken's statuses: pending (not yet in the book), open, closed (fully filled), canceled, expired. */
    status: z.enum(['pending', 'open', 'closed', 'canceled', 'expired']),
    quantity: PositiveDecimalString,
    filledQuantity: NonNegativeDecimalString,
    /** Volume-weighted fill price; null before the first fill. */
    avgFillPrice: PositiveDecimalString.nullable(),
    limitPrice: PositiveDecimalString.nullable(),
    triggerPrice: PositiveDecimalString.nullable(),
    /** Fees paid so far, in the quote (cash) asset. */
    feeUsd: NonNegativeDecimalString,
    openedAtMs: z.number().int().nonnegative(),
    /** Last change (fill, cancel, close). */
    updatedAtMs: z.number().int().nonnegative(),
  })
  .strict();
export type ExchangeOrder = z.infer<typeof ExchangeOrder>;

/** One open margin position as the exchange reports it, net per symbol. Amounts in the quote (cash) asset. */
export const MarginPosition = z
  .object({
    symbol: tradingPair(),
    side: PositionSide,
    /** Base units still open. */
    quantity: PositiveDecimalString,
    /** What the open part is worth now (else what it cost), quote units. */
    notionalUsd: NonNegativeDecimalString,
    /** Cost over the margin it holds, at least 1. */
    leverage: z.number().min(1),
  })
  .strict();
export type MarginPosition = z.infer<typeof MarginPosition>;

/** Balances per asset (total, including what open orders hold). */
export const Balances = z.record(z.string().regex(/^[A-Z0-9]{2,12}$/), DecimalString);
export type Balances = z.infer<typeof Balances>;

/** Balance reads asked for at the same moment share one request: one begun within this long before (wall time). */
export const SAME_MOMENT_MS = 1_000;

/** How a balance read may be shared where the exchange's API counter is (Kraken). */
export interface BalanceReadOptions {
  /** How urgent the read is on the shared API counter (`CallPriority`). Default `trading`. */
  priority?: CallPriority;
  /**
   * Wall time: the answer may come from a read begun up to this long before the call (one in
   * flight, or the last one done). Absent: only from one in flight begun at the same moment
   * ({@link SAME_MOMENT_MS}).
   */
  maxAgeMs?: number;
}

/**
 * The one interface to an exchange: Kraken through ccxt, or the built-in paper exchange.
 *
 * Errors are `TriplegainError`s: `EXCHANGE_REJECTED` when the exchange refused the request
 * (insufficient funds, invalid arguments: the order does not exist); `EXCHANGE_UNAVAILABLE`,
 * `EXCHANGE_RATE_LIMITED` or `TIMEOUT` when the outcome is unknown (the order may exist: find
 * it by client id, never place it again blindly).
 */
export interface ExchangePort {
  readonly name: 'paper' | 'kraken';
  /**
   * Wall time after a create call ended past which an order it sent can no longer reach the
   * exchange (Kraken: the AddOrder `deadline` and a margin for the two clocks). Absent: no such
   * bound, and reconciliation waits its own default before taking an order as never received.
   */
  readonly lateArrivalMs?: number;
  placeOrder(request: PlaceOrderRequest, signal?: AbortSignal): Promise<ExchangeOrder>;
  /** Cancels by exchange order id; an order already closed or canceled is not an error. */
  cancelOrder(exchangeOrderId: string, signal?: AbortSignal): Promise<void>;
  openOrders(signal?: AbortSignal): Promise<ExchangeOrder[]>;
  /** Orders closed, canceled or expired since `sinceMs`. */
  closedOrders(sinceMs: number, signal?: AbortSignal): Promise<ExchangeOrder[]>;
  /** The order with this client id, open or closed, or null when the exchange has none. */
  findByClientOrderId(clientOrderId: string, signal?: AbortSignal): Promise<ExchangeOrder | null>;
  /**
   * The closed, canceled or expired orders among `clientOrderIds` that closed after `sinceWallMs`
   * (wall time), keyed by the id asked: one paged listing for all of them, where
   * `findByClientOrderId` asks once per order. Absent where both cost the same (paper).
   */
  closedByClientOrderIds?(
    clientOrderIds: readonly string[],
    sinceWallMs: number,
    signal?: AbortSignal,
  ): Promise<Map<string, ExchangeOrder>>;
  /** The order with this exchange id, or null when the exchange has none: one lookup where `findByClientOrderId` may take several. Absent where both cost the same (paper). */
  findOrder?(exchangeOrderId: string, signal?: AbortSignal): Promise<ExchangeOrder | null>;
  /** The orders with these exchange ids, keyed by them (those the exchange has none of left out): one lookup for many. Absent where it costs what one lookup each does (paper). */
  findOrders?(exchangeOrderIds: readonly string[], signal?: AbortSignal): Promise<Map<string, ExchangeOrder>>;
  balances(signal?: AbortSignal, options?: BalanceReadOptions): Promise<Balances>;
  /**
   * What each asset has free to trade now: its balance less what resting orders hold (the
   * quote of a buy, the base of a sell). Absent where the exchange does not say (paper).
   */
  availableBalances?(signal?: AbortSignal, options?: BalanceReadOptions): Promise<Balances>;
  /** The margin account's equity in `cashAsset`, open positions' unrealized P&L included. Absent without a margin account. */
  marginEquity?(cashAsset: string, signal?: AbortSignal): Promise<string>;
  /** The margin account's open positions, net per symbol. Absent without a margin account. */
  marginPositions?(signal?: AbortSignal): Promise<MarginPosition[]>;
}
