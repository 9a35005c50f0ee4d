import { Decimal } from '../model/decimal.ts';
import { z } from 'zod';
import { DecimalString } from '../model/decimal-string.ts';
import { ExchangeOrder, type OrderType } from '../exchange/exchange-port.ts';

/** Seconds as Kraken sends them: a JSON number, or a decimal string in some answers. */
const Seconds = z.union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?$/)]);

/** One order of `OpenOrders`, `ClosedOrders` or `QueryOrders`, as far as we read it. */
export const KrakenOrderEntry = z.looseObject({
  status: z.string(),
  opentm: Seconds,
  closetm: Seconds.optional(),
  cl_ord_id: z.string().nullish(),
  descr: z.looseObject({
    pair: z.string().optional(),
    type: z.string().optional(),
    ordertype: z.string().optional(),
    price: z.string().optional(),
    price2: z.string().optional(),
    /** "buy 0.10000000 XBTUSD @ limit 50000.0": the only description in some answers. */
    order: z.string().optional(),
  }),
  vol: DecimalString,
  vol_exec: DecimalString,
  /** Volume-weighted average fill price (quote). */
  price: z.string().optional(),
  /** Fees so far, in the quote asset. */
  fee: z.string().optional(),
  stopprice: z.string().optional(),
  limitprice: z.string().optional(),
});
export type KrakenOrderEntry = z.infer<typeof KrakenOrderEntry>;

/**
 * How Kraken's order types read as ours; the trigger and limit come from the description
 * (`price` is the trigger of a stop, `price2` the limit of a stop-limit).
 *
 * | Kraken | ours | limitPrice | triggerPrice |
 * |---|---|---|---|
 * | `market`, `settle-position` | market | – | – |
 * | `limit`, `iceberg` | limit | price | – |
 * | `stop-loss`, `take-profit` | same | – | price (else `stopprice`) |
 * | `stop-loss-limit`, `take-profit-limit` | `stop-loss`, `take-profit` | price2 | price |
 * | `trailing-stop(-limit)` | `stop-loss` | `limitprice` | `stopprice` (the current trigger) |
 */
const ORDER_TYPES: Readonly<
  Record<
    string,
    { type: OrderType; limit: 'price' | 'price2' | 'limitprice' | null; trigger: 'price' | 'stopprice' | null }
  >
> = {
  market: { type: 'market', limit: null, trigger: null },
  'settle-position': { type: 'market', limit: null, trigger: null },
  limit: { type: 'limit', limit: 'price', trigger: null },
  iceberg: { type: 'limit', limit: 'price', trigger: null },
  'stop-loss': { type: 'stop-loss', limit: null, trigger: 'price' },
  'take-profit': { type: 'take-profit', limit: null, trigger: 'price' },
  'stop-loss-limit': { type: 'stop-loss', limit: 'price2', trigger: 'price' },
  'take-profit-limit': { type: 'take-profit', limit: 'price2', trigger: 'price' },
  'trailing-stop': { type: 'stop-loss', limit: null, trigger: 'stopprice' },
  'trailing-stop-limit': { type: 'stop-loss', limit: 'limitprice', trigger: 'stopprice' },
};

/** The parts of a bare description: "sell 3.00000000 XBTUSD @ limit 500.00000". */
const ORDER_TEXT = /^(buy|sell) \S+ (\S+) @ (market|limit)(?: (\S+))?$/;

export type ParsedKrakenOrder = { ok: true; order: ExchangeOrder } | { ok: false; problem: string };

/**
 * An order as Kraken reports it, read as an `ExchangeOrder`, prices and quantities kept as
 * Kraken's decimal strings.
 *
 * @param symbolOf our symbol of a Kraken pair name, or null when unknown.
 */
export function parseKrakenOrder(
  txid: string,
  raw: unknown,
  symbolOf: (pair: string) => string | null,
): ParsedKrakenOrder {
  const parsed = KrakenOrderEntry.safeParse(raw);
  if (!parsed.success) return { ok: false, problem: `unexpected order ${txid}: ${z.prettifyError(parsed.error)}` };
  const entry = parsed.data;
  const descr = { ...entry.descr };
  const text = descr.order === undefined ? null : ORDER_TEXT.exec(descr.order);
  if (text) {
    descr.type ??= text[1];
    descr.pair ??= text[2];
    descr.ordertype ??= text[3];
    descr.price ??= text[4];
  }
  if (descr.pair === undefined) return { ok: false, problem: `order ${txid} names no pair` };
  const symbol = symbolOf(descr.pair);
  if (symbol === null)
    return { ok: false, problem: `order ${txid} is in ${descr.pair}, a pair Kraken's market list does not have` };
  const kind = descr.ordertype === undefined ? undefined : ORDER_TYPES[descr.ordertype];
  if (!kind) return { ok: false, problem: `order ${txid} has order type ${String(descr.ordertype)}` };

  const prices: Record<'price' | 'price2' | 'limitprice' | 'stopprice', string | undefined> = {
    price: descr.price,
    price2: descr.price2,
    limitprice: entry.limitprice,
    stopprice: entry.stopprice,
  };
  const filled = positive(entry.vol_exec) !== null;
  const openedAtMs = toMs(entry.opentm);
  const closedAtMs = entry.closetm === undefined ? 0 : toMs(entry.closetm);
  const order = ExchangeOrder.safeParse({
    exchangeOrderId: txid,
    clientOrderId: entry.cl_ord_id ? entry.cl_ord_id : null,
    symbol,
    side: descr.type,
    type: kind.type,
    status: entry.status,
    quantity: entry.vol,
    filledQuantity: entry.vol_exec,
    avgFillPrice: filled ? positive(entry.price) : null,
    limitPrice: kind.limit === null ? null : positive(prices[kind.limit]),
    // Some answers leave the description's price at 0 and give the trigger as `stopprice`.
    triggerPrice: kind.trigger === null ? null : (positive(prices[kind.trigger]) ?? positive(entry.stopprice)),
    feeUsd: entry.fee === undefined ? '0' : entry.fee,
    openedAtMs,
    updatedAtMs: Math.max(openedAtMs, closedAtMs),
  });
  if (!order.success) return { ok: false, problem: `unexpected order ${txid}: ${z.prettifyError(order.error)}` };
  return { ok: true, order: order.data };
}

/** A decimal string above zero, else null ("0.00000", "+50.0000%", absent). */
function positive(value: string | undefined): string | null {
  if (value === undefined || !DecimalString.safeParse(value).success) return null;
  return new Decimal(value).gt(0) ? value : null;
}

function toMs(seconds: number | string): number {
  return new Decimal(seconds).mul(1000).floor().toNumber();
}

/** An order still working on Kraken: open, or accepted and not yet in the book. */
export function isLiveOrder(order: ExchangeOrder): boolean {
  return order.status === 'open' || order.status === 'pending';
}

/** UUIDs compare without case or dashes, in case Kraken reports them in another form. */
export function sameClientOrderId(reported: unknown, ours: string): boolean {
  if (typeof reported !== 'string') return false;
  const uuid = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
  if (uuid.test(reported) && uuid.test(ours))
    return reported.replaceAll('-', '').toLowerCase() === ours.replaceAll('-', '').toLowerCase();
  return reported === ours;
}
