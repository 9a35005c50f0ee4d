import type { Side } from '../../model/side.ts';
import { Decimal } from '../../model/decimal.ts';
import type { StandInOrder } from './stand-in-order.ts';

/** One open margin position, as `OpenPositions` reports it. */
export interface MarginPosition {
  posId: string;
  ordertxid: string;
  pairId: string;
  /** `buy`: long; `sell`: short. */
  side: Side;
  volume: Decimal;
  /** Quote units paid (long) or received (short) for `volume`. */
  cost: Decimal;
  fee: Decimal;
  margin: Decimal;
  openedAtMs: number;
}

/**
 * The account's margin positions, kept simple: one position per pair and direction, opened
 * or extended by a leveraged fill, reduced by a fill in the other direction (reduce-only or
 * not), its profit realised in the quote asset when reduced. No rollover fees, interest,
 * margin calls or liquidation.
 */
export class MarginBook {
  private readonly positions: MarginPosition[] = [];

  /** Whether an order on `side` has an opposite position on the pair to reduce. */
  hasPositionToReduce(pairId: string, side: Side): boolean {
    return this.positions.some((p) => p.pairId === pairId && p.side !== side);
  }

  open(): readonly MarginPosition[] {
    return this.positions;
  }

  /**
   * Applies a fill of a margin order: reduces the opposite position first (what is left opens
   * or extends one in the order's direction, unless the order is reduce-only).
   *
   * @returns the realised profit (quote units, negative for a loss), fee not included.
   */
  apply(order: StandInOrder, quantity: string, price: string, fee: string, atMs: number): Decimal {
    let left = new Decimal(quantity);
    let pnl = new Decimal(0);
    const opposite = this.positions.find((p) => p.pairId === order.pair.id && p.side !== order.side);
    if (opposite) {
      const closed = Decimal.min(left, opposite.volume);
      const openPrice = opposite.cost.div(opposite.volume);
      const move = new Decimal(price).minus(openPrice).times(closed);
      pnl = opposite.side === 'buy' ? move : move.negated();
      const share = closed.div(opposite.volume);
      opposite.cost = opposite.cost.minus(opposite.cost.times(share));
      opposite.margin = opposite.margin.minus(opposite.margin.times(share));
      opposite.volume = opposite.volume.minus(closed);
      if (opposite.volume.isZero()) this.positions.splice(this.positions.indexOf(opposite), 1);
      left = left.minus(closed);
    }
    if (left.gt(0) && !order.reduceOnly) {
      let position = this.positions.find((p) => p.pairId === order.pair.id && p.side === order.side);
      if (!position) {
        position = {
          posId: `T${order.txid.slice(1)}`,
          ordertxid: order.txid,
          pairId: order.pair.id,
          side: order.side,
          volume: new Decimal(0),
          cost: new Decimal(0),
          fee: new Decimal(0),
          margin: new Decimal(0),
          openedAtMs: atMs,
        };
        this.positions.push(position);
      }
      const cost = left.times(price);
      position.volume = position.volume.plus(left);
      position.cost = position.cost.plus(cost);
      position.fee = position.fee.plus(fee);
      position.margin = position.margin.plus(cost.div(order.leverage));
    }
    return pnl;
  }
}
