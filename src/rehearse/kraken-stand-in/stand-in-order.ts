import type { Side } from '../../model/side.ts';
import { Decimal } from '../../model/decimal.ts';
import type { OrderType } from '../../exchange/exchange-port.ts';
import type { StandInPair } from './stand-in-pair.ts';

/** Kraken's order statuses the stand-in uses. */
export type StandInOrderStatus = 'open' | 'closed' | 'canceled';

/** What moves an order between statuses. */
export type StandInOrderEvent = 'filled' | 'canceled';

/**
 * The order's life: it rests `open` until it is completely filled (`closed`) or cancelled by
 * the account or the dead man's switch (`canceled`). A market order is filled at placement and
 * goes straight to `closed`. Closed and cancelled orders never change again.
 */
const TRANSITIONS: Readonly<Record<StandInOrderStatus, Partial<Record<StandInOrderEvent, StandInOrderStatus>>>> = {
  open: { filled: 'closed', canceled: 'canceled' },
  closed: {},
  canceled: {},
};

/** @throws Error for an event the status does not allow (a bug in the stand-in). */
export function transition(status: StandInOrderStatus, event: StandInOrderEvent): StandInOrderStatus {
  const next = TRANSITIONS[status][event];
  if (next === undefined) throw new Error(`a ${status} order cannot be ${event}`);
  return next;
}

/** One order of the stand-in's account; amounts are decimal strings. */
export interface StandInOrder {
  txid: string;
  clOrdId: string | null;
  pair: StandInPair;
  side: Side;
  type: OrderType;
  /** Base units ordered, as sent. */
  volume: string;
  /** Base units filled so far. */
  volumeExecuted: string;
  /** Quote units traded so far (Σ quantity × price). */
  cost: string;
  /** Fees so far, quote units. */
  fee: string;
  /** The limit (limit) or trigger (stop-loss, take-profit); null for a market order. */
  price: string | null;
  /** 1: spot; above: margin. */
  leverage: number;
  reduceOnly: boolean;
  status: StandInOrderStatus;
  /** Why it was cancelled (Kraken's `reason`), else null. */
  reason: string | null;
  openedAtMs: number;
  closedAtMs: number | null;
  /** A stop or take-profit whose trigger an earlier bar crossed (it now trades at market). */
  triggered: boolean;
}

/** Base units still to fill. */
export function remainingOf(order: StandInOrder): string {
  return new Decimal(order.volume).minus(order.volumeExecuted).toFixed();
}

/** Kraken's one-line description: "buy 0.01000000 XBTUSD @ limit 50000.0". */
export function describeOrder(order: Pick<StandInOrder, 'side' | 'volume' | 'pair' | 'type' | 'price'>): string {
  const volume = new Decimal(order.volume).toFixed(order.pair.instrument.lotDecimals);
  const at = order.price === null ? order.type : `${order.type} ${order.price}`;
  return `${order.side} ${volume} ${order.pair.altname} @ ${at}`;
}

const seconds = (ms: number): number => ms / 1000;

/**
 * The order as Kraken's `OpenOrders`, `ClosedOrders` and `QueryOrders` report it (shape of the
 * recorded answers under test/fixtures/kraken/private/; read back by `parseKrakenOrder`):
 * times in seconds, the description with the altname, `price` the average fill price.
 */
export function krakenOrderEntry(order: StandInOrder): Record<string, unknown> {
  const lot = order.pair.instrument.lotDecimals;
  const executed = new Decimal(order.volumeExecuted);
  const average = executed.isZero() ? new Decimal(0) : new Decimal(order.cost).div(executed);
  return {
    refid: null,
    userref: 0,
    ...(order.clOrdId === null ? {} : { cl_ord_id: order.clOrdId }),
    status: order.status,
    ...(order.reason === null ? {} : { reason: order.reason }),
    opentm: seconds(order.openedAtMs),
    ...(order.closedAtMs === null ? {} : { closetm: seconds(order.closedAtMs) }),
    starttm: 0,
    expiretm: 0,
    descr: {
      pair: order.pair.altname,
      type: order.side,
      ordertype: order.type,
      price: order.price ?? '0',
      price2: '0',
      leverage: order.leverage > 1 ? `${order.leverage}:1` : 'none',
      order: describeOrder(order),
      close: '',
    },
    vol: new Decimal(order.volume).toFixed(lot),
    vol_exec: executed.toFixed(lot),
    cost: new Decimal(order.cost).toFixed(),
    fee: new Decimal(order.fee).toFixed(),
    price: average.toDecimalPlaces(order.pair.instrument.priceDecimals + 4, Decimal.ROUND_HALF_UP).toFixed(),
    stopprice: '0',
    limitprice: '0',
    misc: '',
    oflags: 'fciq',
    ...(order.reduceOnly ? { reduce_only: true } : {}),
  };
}
