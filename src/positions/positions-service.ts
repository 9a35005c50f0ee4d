import type { AlertSink } from '../alerts/alert-raiser.ts';
import { and, eq, inArray, lte } from 'drizzle-orm';
import type { Bus } from '../bus/bus.ts';
import type { Subscription } from '../bus/subscription.ts';
import type { Clock } from '../clock/clock.ts';
import type { AppConfig } from '../config/app-config.ts';
import type { Db } from '../db/open-database.ts';
import { orders } from '../db/schema/orders.ts';
import type { ExchangePort } from '../exchange/exchange-port.ts';
import type { PaperExchange } from '../exchange/paper/paper-exchange.ts';
import { exitPosition } from '../execution/exit-position.ts';
import { correlationOf, syncProtectiveStop } from '../execution/sync-protective-stop.ts';
import type { Keys } from '../keys.ts';
import type { Candle } from '../model/candle.ts';
import { timeframeMs } from '../market/timeframes.ts';
import { adoptExchangeOrder } from '../orders/order-store.ts';
import type { Logger } from '../shared/logger.ts';
import type { InstrumentBook } from '../market/instrument-book.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';
import type { Redis } from 'ioredis';
import { recordValuation } from '../portfolio/record-valuation.ts';
import { setProtection } from './position-store.ts';
import { heldPositionOf } from './held-position.ts';
import { checkProtection, ratchetTrailing } from './protective-check.ts';
import { takeInFills } from './take-in-fills.ts';

export const POSITIONS_SERVICE = 'positions';

export interface PositionsDeps {
  config: AppConfig;
  db: Db;
  bus: Bus;
  redis: Redis;
  keys: Keys;
  /** Market time: fills, snapshots and cooldowns are stamped with it. */
  clock: Clock;
  logger: Logger;
  exchange: ExchangePort;
  /** The worker's instrument book: stops and exits are rounded to it. */
  instruments: InstrumentBook;
  /** Told of a position left without its stop, and of orders the exchange rejects. */
  alerts?: AlertSink;
}

const isPaper = (exchange: ExchangePort): exchange is PaperExchange =>
  exchange.name === 'paper' && 'onPrice' in exchange;

/**
 * The positions service (a consumer group on `market_data`, in every worker process): for each
 * closed bar of a pair, in order —
 * 1. the paper exchange trades on it (resting orders and market orders accepted before the
 *    bar opened fill) and the orders are brought to the exchange's state;
 * 2. every new fill is taken into its position exactly once (`takeInFills`): an entry sets the
 *    position's protection from its proposal (and a trailing stop when configured); a closed
 *    position's P&L goes to the risk state (loss streaks, cooldown);
 * 3. the stop of every position a fill touched, and of the bar's pair, is made to match its
 *    position (`syncProtectiveStop`: one stop, sized to what is held less exits in flight,
 *    replaced cancel-first; a refused or canceled stop is placed again);
 * 4. the engine watches the bar (`watchProtection`; a bar that closed before the position
 *    opened is none of its news): a take profit or trailing stop, or a stop level crossed while
 *    no stop rested through the bar, closes the position at market (`exitPosition`); a
 *    trailing stop is ratcheted (only ever tighter);
 * 5. the account is valued into the snapshot of the bar's slot (`recordValuation`), a
 *    `background` read: skipped while the exchange's API counter is busy with trading.
 * Protective orders go on while PAUSED (the execution fence admits exits); while HALTED no
 * order is sent.
 */
export async function startPositionsService(deps: PositionsDeps): Promise<Subscription<'market_data'>> {
  return deps.bus.subscribe({
    topic: 'market_data',
    service: POSITIONS_SERVICE,
    types: ['market.candle_closed'],
    handler: async (message) => {
      await onClosedBar(deps, { ...message.payload, symbol: message.symbol });
    },
  });
}

/** Everything one closed bar of one pair does to orders and positions (see `startPositionsService`). */
export async function onClosedBar(deps: PositionsDeps, bar: Candle): Promise<void> {
  if (isPaper(deps.exchange)) {
    const fills = await deps.exchange.onPrice(bar.symbol, bar);
    for (const clientOrderId of new Set(fills.map((f) => f.clientOrderId))) await syncOrder(deps, clientOrderId);
  }
  const touched = new Set<string>([bar.symbol, ...(await takeInFills(deps))]);
  // Every position whose quantity may have changed gets its stop resized; the bar's own pair on
  // every bar, which is also the retry of a stop that was refused or canceled.
  for (const symbol of touched) {
    await syncProtectiveStop(deps, symbol).catch((err: unknown) =>
      deps.logger.error({ symbol, err: describeError(err) }, 'stop not synced: the engine watches the level'),
    );
  }
  await watchProtection(deps, bar);
  await snapshot(deps, bar.openTimeMs);
}

async function syncOrder(deps: PositionsDeps, clientOrderId: string): Promise<void> {
  const exchangeOrder = await deps.exchange.findByClientOrderId(clientOrderId);
  if (!exchangeOrder) return;
  // Synced when recorded here (found by exchange or client id), adopted otherwise.
  const { order } = await adoptExchangeOrder(deps.db, deps.exchange.name, exchangeOrder, deps.clock.now());
  await deps.bus.publish(
    'execution.order_updated',
    {
      orderId: order.exchangeOrderId ?? clientOrderId,
      clientOrderId,
      status: order.status,
      side: order.side,
      filledQty: order.filledQuantity,
      avgFillPrice: order.avgFillPrice,
    },
    {
      symbol: order.symbol,
      source: 'positions',
      ...(order.correlationId ? { correlationId: order.correlationId } : {}),
    },
  );
}

/**
 * The engine's watch over the bar: a take profit or trailing stop that triggered closes the
 * position at market; a stop level crossed while no stop rested on the exchange through the
 * whole bar (refused, canceled, being replaced, or placed during the bar) closes it at market
 * too. A stop that rested from before the bar is the exchange's to fill: the engine does not
 * sell beside it.
 */
async function watchProtection(deps: PositionsDeps, bar: Candle): Promise<void> {
  const held = await heldPositionOf(deps.db, deps.exchange.name, bar.symbol);
  if (!held || held.quantity.isZero()) return;
  const position = held.position;
  // A bar that closed before the position opened (a backlog delivered late) says nothing of
  // it: its range is no level crossed, its high no trailing stop to ratchet.
  if (bar.openTimeMs + timeframeMs(bar.timeframe) <= position.openedAtMs) return;
  const priceBar = { open: bar.open, high: bar.high, low: bar.low, close: bar.close };
  const trigger = checkProtection(position, priceBar);
  if (trigger) {
    const stopLevel = trigger.action === 'stop_loss';
    if (stopLevel && (await stopRestedThrough(deps, bar))) return;
    const exit = stopLevel
      ? { key: `watch:${held.account}:${held.id}:${bar.openTimeMs}`, purpose: 'exit' as const, cause: 'watch' as const }
      : {
          key: `tp:${held.account}:${held.id}:${bar.openTimeMs}`,
          purpose: 'take_profit' as const,
          cause: 'take_profit' as const,
        };
    try {
      const outcome = await exitPosition(deps, {
        ...exit,
        symbol: position.symbol,
        intent: 'protective',
        fenceIntent: 'exit',
        correlationId: await correlationOf(deps, held),
      });
      if (outcome)
        deps.logger.info(
          { symbol: position.symbol, action: trigger.action, trigger: trigger.triggerPrice, status: outcome.status },
          'protective exit',
        );
    } catch (err) {
      deps.logger.error(
        { symbol: position.symbol, action: trigger.action, err: describeError(err) },
        'protective exit not placed: retried on the next bar',
      );
    }
    return;
  }
  const trailing = ratchetTrailing(position, priceBar);
  if (trailing && JSON.stringify(trailing) !== JSON.stringify(position.protection.trailing)) {
    await setProtection(deps.db, deps.exchange.name, position.symbol, { ...position.protection, trailing });
  }
}

/** Whether a stop of the symbol works on the exchange and was placed before the bar opened (it saw the whole bar). */
async function stopRestedThrough(deps: PositionsDeps, bar: Candle): Promise<boolean> {
  const [resting] = await deps.db
    .select({ id: orders.clientOrderId })
    .from(orders)
    .where(
      and(
        eq(orders.exchange, deps.exchange.name),
        eq(orders.symbol, bar.symbol),
        eq(orders.purpose, 'stop_loss'),
        inArray(orders.status, ['open', 'partially_filled']),
        lte(orders.createdAt, new Date(bar.openTimeMs)),
      ),
    )
    .limit(1);
  return resting !== undefined;
}

/**
 * The bar's valuation, in the snapshot of its slot. A failure is logged: the bar's orders and
 * positions are done already. Its balance read is `background`: refused at once while the
 * exchange's API counter is kept for trading and protective calls; a later bar of the slot, or
 * the portfolio tick, records the slot.
 */
async function snapshot(deps: PositionsDeps, atMs: number): Promise<void> {
  await recordValuation(deps, atMs, undefined, {
    priority: 'background',
    maxAgeMs: deps.config.execution.kraken.balanceMaxAgeMs,
  }).catch((err: unknown) => {
    if (err instanceof TriplegainError && err.code === 'EXCHANGE_RATE_LIMITED')
      deps.logger.debug({ atMs, err: describeError(err) }, 'snapshot skipped: the API counter is busy');
    else deps.logger.warn({ atMs, err: describeError(err) }, 'snapshot not recorded');
  });
}
