import { randomUUID } from 'node:crypto';
import { Decimal } from '../../model/decimal.ts';
import type { Clock } from '../../clock/clock.ts';
import type { KrakenTier } from '../../config/sections/execution-config.ts';
import {
  cancelPenalty,
  KRAKEN_ADD_ORDER_COST,
  KRAKEN_TRADING_TIER_LIMITS,
} from '../../kraken/kraken-trading-limiter.ts';
import { krakenStyleId } from '../../exchange/paper/kraken-style-id.ts';
import { feeUsdFor, matchOrder } from '../../exchange/paper/match-order.ts';
import { fundsNeeded, settleFill, type FundsOrder, type FundsSettings } from '../../exchange/paper/paper-funds.ts';
import { UNKNOWN_ASSET_PAIR } from '../../exchange/paper/placement-refusal.ts';
import { PriceBar, type PriceBarInput } from '../../model/price-bar.ts';
import { instrumentRefusal } from '../../market/instrument-rules.ts';
import { deadlineRefusal, type AddOrderParams } from './add-order-params.ts';
import { DecayingCounter } from './decaying-counter.ts';
import { KRAKEN_ERRORS } from './kraken-errors.ts';
import { MarginBook } from './margin-book.ts';
import { ProtectionTracker } from './protection-tracker.ts';
import { rfc3339 } from './rfc3339.ts';
import { describeOrder, remainingOf, transition, type StandInOrder } from './stand-in-order.ts';
import type { PairDirectory, StandInPair } from './stand-in-pair.ts';

/**
 * Open orders per pair by tier (Kraken support, "Maximum number of open orders":
 * https://support.kraken.com/hc/en-us/articles/209090607 — Starter 60, Intermediate 80, Pro 225).
 */
export const KRAKEN_OPEN_ORDER_LIMITS: Readonly<Record<KrakenTier, number>> = {
  starter: 60,
  intermediate: 80,
  pro: 225,
};

/** What an accepted AddOrder answers (`txid` absent for `validate=true`). */
export interface AddOrderResult {
  descr: { order: string };
  txid?: string[];
}

/** A private method's answer; a refusal may say, for the rehearsal's report only, what it saw (`detail`, never sent). */
export type Outcome<T> = { ok: true; result: T } | { ok: false; error: string; detail?: string };

export interface StandInAccountOptions {
  pairs: PairDirectory;
  tier: KrakenTier;
  marginEnabled: boolean;
  balances: Record<string, string>;
  /** Kraken's clock (the stand-in's clock plus its offset). */
  clock: Clock;
}

/**
 * The stand-in's account and matching: balances, orders, holds, fills from fed bars, margin
 * positions, the per-pair trading counters and the dead man's switch, all in memory on
 * Kraken's clock. Every state change reports the protection state of each tracked pair.
 *
 * Money rules (`fundsNeeded`, the paper exchange's definition): a spot buy holds quote =
 * volume × price × (1 + fee %), the fee at the pair's first step (maker for limit, taker
 * otherwise) — Kraken holds the fee of a quote-fee order too; a spot sell (a resting sell stop
 * included) holds its base volume; a margin order holds volume × price / leverage + fee in
 * quote. The price is the limit or trigger, or the last fed close for a market order.
 */
export class StandInAccount {
  readonly protection = new ProtectionTracker();
  private readonly balances = new Map<string, Decimal>();
  private readonly orders = new Map<string, StandInOrder>();
  private readonly lastClose = new Map<string, string>();
  private readonly tradingCounters = new Map<string, DecayingCounter>();
  private readonly margin = new MarginBook();
  private readonly run = randomUUID();
  private sequence = 0;
  /** When the dead man's switch cancels everything (Kraken's clock), or null when disarmed. */
  private deadManAtMs: number | null = null;

  constructor(private readonly opts: StandInAccountOptions) {
    for (const [asset, amount] of Object.entries(opts.balances)) this.balances.set(asset, new Decimal(amount));
    this.recordProtection(opts.clock.now());
  }

  /** Fires the dead man's switch if its time has come (at its trigger time, not now). */
  tick(): void {
    if (this.deadManAtMs !== null && this.opts.clock.now() >= this.deadManAtMs)
      this.fireDeadManSwitch(this.deadManAtMs);
  }

  addOrder(order: AddOrderParams): Outcome<AddOrderResult> {
    const nowMs = this.opts.clock.now();
    const pair = this.opts.pairs.find(order.pair);
    if (!pair) return { ok: false, error: UNKNOWN_ASSET_PAIR };
    // The fixed count applies on receipt, even when the order then fails validation (not for
    // validate=true, which never reaches the matching engine).
    if (!order.validate && !this.tradingCounter(pair).tryAdd(KRAKEN_ADD_ORDER_COST))
      return { ok: false, error: KRAKEN_ERRORS.tradingRateLimit };
    const refusal = this.refusalOf(order, pair, nowMs);
    if (refusal) return { ok: false, ...refusal };

    const placed: StandInOrder = {
      txid: krakenStyleId('O', `${this.run}|${++this.sequence}`),
      clOrdId: order.clOrdId,
      pair,
      side: order.side,
      type: order.type,
      volume: order.volume,
      volumeExecuted: '0',
      cost: '0',
      fee: '0',
      price: order.price,
      leverage: order.leverage,
      reduceOnly: order.reduceOnly,
      status: 'open',
      reason: null,
      openedAtMs: nowMs,
      closedAtMs: null,
      triggered: false,
    };
    const descr = { order: describeOrder(placed) };
    if (order.validate) return { ok: true, result: { descr } };
    this.orders.set(placed.txid, placed);
    if (placed.type === 'market') {
      const price = this.lastClose.get(pair.id)!;
      this.fill(placed, placed.volume, price, feeUsdFor(placed.volume, price, pair.takerFeePct), nowMs);
    }
    this.recordProtection(nowMs);
    return { ok: true, result: { descr, txid: [placed.txid] } };
  }

  /** Cancels an open order by txid or `cl_ord_id`; `EOrder:Unknown order` when none is open. */
  cancelOrder(ref: string): Outcome<{ count: number; pending: boolean }> {
    const nowMs = this.opts.clock.now();
    const order =
      this.orders.get(ref) ?? [...this.orders.values()].find((o) => o.status === 'open' && o.clOrdId === ref);
    if (!order || order.status !== 'open') return { ok: false, error: KRAKEN_ERRORS.unknownOrder };
    const penalty = cancelPenalty(nowMs - order.openedAtMs);
    if (penalty > 0 && !this.tradingCounter(order.pair).tryAdd(penalty))
      return { ok: false, error: KRAKEN_ERRORS.tradingRateLimit };
    this.cancel(order, 'User requested', nowMs);
    this.recordProtection(nowMs);
    return { ok: true, result: { count: 1, pending: false } };
  }

  /** Cancels every open order (CancelAll); not charged to the trading counters. */
  cancelAll(reason = 'User requested', atMs = this.opts.clock.now()): number {
    const open = this.openOrders();
    for (const order of open) this.cancel(order, reason, atMs);
    this.recordProtection(atMs);
    return open.length;
  }

  /**
   * Arms (timeout > 0) or disarms (0) the dead man's switch.
   *
   * @returns Kraken's answer: `currentTime`, and `triggerTime` ("0" when disarmed), RFC3339.
   */
  cancelAllOrdersAfter(timeoutSec: number): { currentTime: string; triggerTime: string } {
    const nowMs = this.opts.clock.now();
    this.deadManAtMs = timeoutSec > 0 ? nowMs + timeoutSec * 1000 : null;
    return { currentTime: rfc3339(nowMs), triggerTime: this.deadManAtMs === null ? '0' : rfc3339(this.deadManAtMs) };
  }

  /** Cancels every open order now (or at `atMs`), as the expiring timer does, and disarms it. */
  fireDeadManSwitch(atMs = this.opts.clock.now()): void {
    this.deadManAtMs = null;
    this.cancelAll('Dead man switch', atMs);
  }

  /**
   * Matches the open orders of `symbol`'s pair against one closed bar (`matchOrder`, no
   * slippage, up to the bar's whole volume): a limit at its price or better (maker fee), a
   * sell stop when low ≤ trigger at min(trigger, open) — a gap down fills at the open — and a
   * take-profit likewise (taker fee). Then the close becomes the pair's last price.
   *
   * @throws Error for a pair the stand-in does not list, or a bar that does not parse.
   */
  applyBar(symbol: string, input: PriceBarInput): void {
    const pair = this.opts.pairs.find(symbol);
    if (!pair) throw new Error(`kraken stand-in: no pair ${symbol}`);
    const bar = PriceBar.parse(input);
    this.tick();
    const nowMs = this.opts.clock.now();
    const settings = {
      slippageBps: 0,
      makerFeePct: pair.makerFeePct,
      takerFeePct: pair.takerFeePct,
      maxBarVolumeShare: 1,
    };
    for (const order of this.openOrders().filter((o) => o.pair.id === pair.id)) {
      const match = matchOrder(
        {
          side: order.side,
          type: order.type,
          remainingQuantity: remainingOf(order),
          limitPrice: order.type === 'limit' ? order.price : null,
          triggerPrice: order.type === 'limit' ? null : order.price,
          triggered: order.triggered,
        },
        bar,
        settings,
      );
      order.triggered = match.triggered;
      if (match.filled) this.fill(order, match.quantity, match.price, match.feeUsd, nowMs);
    }
    this.lastClose.set(pair.id, bar.close);
    this.recordProtection(nowMs);
  }

  /** Every order, in placement order. */
  allOrders(): StandInOrder[] {
    return [...this.orders.values()];
  }

  openOrders(): StandInOrder[] {
    return this.allOrders().filter((o) => o.status === 'open');
  }

  /** Balances by Kraken asset code, decimal strings. */
  balanceSnapshot(): Record<string, string> {
    return Object.fromEntries([...this.balances].map(([asset, amount]) => [asset, amount.toFixed()]));
  }

  /** What the open orders hold, per asset. */
  holds(): Map<string, Decimal> {
    const held = new Map<string, Decimal>();
    for (const order of this.openOrders()) {
      const needed = fundsNeeded(fundsOrder(order, order.price), fundsSettings(order.pair));
      if (needed) held.set(needed.asset, (held.get(needed.asset) ?? new Decimal(0)).plus(needed.amount));
    }
    return held;
  }

  lastPrice(pairId: string): string | undefined {
    return this.lastClose.get(pairId);
  }

  positions(): MarginBook {
    return this.margin;
  }

  /** Kraken's refusal of `order`, or null; a funds refusal says what it saw (`detail`, for the report). */
  private refusalOf(
    order: AddOrderParams,
    pair: StandInPair,
    nowMs: number,
  ): { error: string; detail?: string } | null {
    const deadline = deadlineRefusal(order.deadlineMs, nowMs);
    if (deadline) return { error: deadline };
    if (order.leverage > 1) {
      if (!this.opts.marginEnabled) return { error: KRAKEN_ERRORS.cannotOpenPosition };
      const allowed = order.side === 'buy' ? pair.leverageBuy : pair.leverageSell;
      if (!allowed.includes(order.leverage)) return { error: KRAKEN_ERRORS.invalidLeverage };
    }
    const last = this.lastClose.get(pair.id) ?? null;
    const rules = instrumentRefusal(pair.instrument, {
      quantity: order.volume,
      price: order.price ?? last,
      limitPrice: order.type === 'limit' ? order.price : null,
      triggerPrice: order.type === 'limit' ? null : order.price,
    });
    if (rules) return { error: rules };
    if (order.type === 'market' && last === null) return { error: KRAKEN_ERRORS.unavailable };
    if (order.reduceOnly && !this.margin.hasPositionToReduce(pair.id, order.side))
      return { error: KRAKEN_ERRORS.reduceOnlyNoPosition };
    const open = this.openOrders();
    if (order.clOrdId !== null && open.some((o) => o.clOrdId === order.clOrdId))
      return { error: KRAKEN_ERRORS.duplicateClOrdId };
    if (
      order.type !== 'market' &&
      open.filter((o) => o.pair.id === pair.id).length >= KRAKEN_OPEN_ORDER_LIMITS[this.opts.tier]
    )
      return { error: KRAKEN_ERRORS.ordersLimit };
    const needed = fundsNeeded(
      fundsOrder({ ...order, pair, volume: order.volume, volumeExecuted: '0' }, order.price ?? last),
      fundsSettings(pair),
    );
    if (needed) {
      const balance = this.balances.get(needed.asset) ?? new Decimal(0);
      const held = this.holds().get(needed.asset) ?? new Decimal(0);
      if (balance.minus(held).lt(needed.amount)) {
        const at = last === null ? '' : ` at the last price ${last}`;
        return {
          error: KRAKEN_ERRORS.insufficientFunds,
          detail: `needs ${needed.amount.toFixed()} ${needed.asset}${at}; balance ${balance.toFixed()}, held by open orders ${held.toFixed()}`,
        };
      }
    }
    return null;
  }

  /** One fill: moves the balances (spot) or the margin position, and closes a completed order. */
  private fill(order: StandInOrder, quantity: string, price: string, fee: string, atMs: number): void {
    order.volumeExecuted = new Decimal(order.volumeExecuted).plus(quantity).toFixed();
    order.cost = new Decimal(order.cost).plus(new Decimal(quantity).times(price)).toFixed();
    order.fee = new Decimal(order.fee).plus(fee).toFixed();
    const { base, quote } = order.pair;
    if (order.leverage > 1 || order.reduceOnly) {
      const pnl = this.margin.apply(order, quantity, price, fee, atMs);
      this.addBalance(quote, pnl.minus(fee));
    } else {
      const settled = settleFill(
        this.balanceSnapshot(),
        { symbol: `${base}/${quote}`, side: order.side, quantity, price, feeUsd: fee },
        quote,
      );
      for (const [asset, amount] of Object.entries(settled)) this.balances.set(asset, new Decimal(amount));
    }
    if (new Decimal(remainingOf(order)).isZero()) {
      order.status = transition(order.status, 'filled');
      order.closedAtMs = atMs;
    }
  }

  private cancel(order: StandInOrder, reason: string, atMs: number): void {
    order.status = transition(order.status, 'canceled');
    order.reason = reason;
    order.closedAtMs = atMs;
  }

  private addBalance(asset: string, amount: Decimal): void {
    this.balances.set(asset, (this.balances.get(asset) ?? new Decimal(0)).plus(amount));
  }

  private tradingCounter(pair: StandInPair): DecayingCounter {
    let counter = this.tradingCounters.get(pair.id);
    if (!counter)
      this.tradingCounters.set(
        pair.id,
        (counter = new DecayingCounter(KRAKEN_TRADING_TIER_LIMITS[this.opts.tier], this.opts.clock)),
      );
    return counter;
  }

  /**
   * The protection state of each tracked pair (the first pair of each base asset): uncovered
   * while the base balance exceeds the pair's `ordermin` and the open spot sell stop-losses of
   * every pair of that base cover less than balance − ordermin.
   */
  private recordProtection(atMs: number): void {
    const tracked = new Map<string, StandInPair>();
    for (const pair of this.opts.pairs.all) if (!tracked.has(pair.base)) tracked.set(pair.base, pair);
    const open = this.openOrders();
    for (const [base, pair] of tracked) {
      const holding = this.balances.get(base) ?? new Decimal(0);
      const unprotected = holding.minus(pair.instrument.orderMin);
      const stops = open
        .filter((o) => o.pair.base === base && o.side === 'sell' && o.type === 'stop-loss' && o.leverage === 1)
        .reduce((sum, o) => sum.plus(remainingOf(o)), new Decimal(0));
      this.protection.record(pair.id, unprotected.gt(0) && stops.lt(unprotected), atMs);
    }
  }
}

/** The paper exchange's view of an order, its pair's assets as Kraken names them. */
function fundsOrder(
  order: Pick<StandInOrder, 'pair' | 'side' | 'type' | 'volume' | 'volumeExecuted' | 'leverage' | 'reduceOnly'>,
  holdPrice: string | null,
): FundsOrder {
  return {
    symbol: `${order.pair.base}/${order.pair.quote}`,
    side: order.side,
    type: order.type,
    remainingQuantity: new Decimal(order.volume).minus(order.volumeExecuted).toFixed(),
    holdPrice,
    leverage: order.leverage,
    reduceOnly: order.reduceOnly,
  };
}

function fundsSettings(pair: StandInPair): FundsSettings {
  return { cashAsset: pair.quote, makerFeePct: pair.makerFeePct, takerFeePct: pair.takerFeePct };
}
