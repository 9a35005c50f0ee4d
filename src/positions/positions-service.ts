import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Bus } from '../bus/bus.ts';
import type { Subscription } from '../bus/subscription.ts';
import type { Clock } from '../clock/clock.ts';
import type { AppConfig } from '../config/app-config.ts';
import type { Db } from '../db/open-database.ts';
import { orders, type OrderRow } from '../db/schema/orders.ts';
import type { ExchangePort } from '../exchange/exchange-port.ts';
import type { PaperExchange } from '../exchange/paper/paper-exchange.ts';
import { cancelAndSync, placeExitOrder } from '../execution/exit-orders.ts';
import type { Keys } from '../keys.ts';
import type { Candle } from '../market/candle.ts';
import { adoptExchangeOrder } from '../orders/order-store.ts';
import { loadRiskDecision } from '../risk/load-risk-decision.ts';
import { OrderProposal } from '../risk/order-proposal.ts';
import { recordTradeClosed } from '../risk/record-trade-closed.ts';
import { initialRiskState } from '../risk/risk-state.ts';
import { withLockedRiskState } from '../risk/risk-state-store.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError } from '../shared/triplegain-error.ts';
import type { Redis } from 'ioredis';
import { recordValuation } from '../portfolio/record-valuation.ts';
import { applyPendingFills, loadOpenPositions, setProtection, type AppliedFill } from './position-store.ts';
import { checkProtection, ratchetTrailing, startTrailing } from './protective-check.ts';
import type { Position } from './position.ts';

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
}

const isPaper = (exchange: ExchangePort): exchange is PaperExchange => exchange.name === 'paper' && 'onPrice' in exchange;

/**
 * The positions service (a consumer group on `market_data`, in every worker process): for each
 * closed bar of a pair, in order —
 * 1. the paper exchange trades on it (resting stop losses and market orders fill) and the
 *    orders are brought to the exchange's state;
 * 2. every new fill is taken into its position exactly once; an entry's position gets its
 *    stop loss resting on the exchange (and a trailing stop when configured), a closed
 *    position's remaining protective orders are canceled and its P&L goes to the risk state
 *    (loss streaks, cooldown);
 * 3. the take profit and the trailing stop are checked on the bar: on a trigger the resting
 *    stop is canceled first, then the position is closed at market; a trailing stop is
 *    ratcheted (only ever tighter);
 * 4. the account is valued into the snapshot of the bar's slot (`recordValuation`); the
 *    portfolio task publishes its valuation on `portfolio_updates` every tick.
 * Protective exits go on while PAUSED (the execution fence admits exits); while HALTED no
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
  const account = deps.exchange.name;
  if (isPaper(deps.exchange)) {
    const fills = await deps.exchange.onPrice(bar.symbol, bar);
    for (const clientOrderId of new Set(fills.map((f) => f.clientOrderId))) await syncOrder(deps, clientOrderId);
  }
  for (const applied of await applyPendingFills(deps.db, account)) await afterFill(deps, applied);
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
    { orderId: order.exchangeOrderId ?? clientOrderId, clientOrderId, status: order.status, side: order.side as 'buy' | 'sell', filledQty: order.filledQuantity, avgFillPrice: order.avgFillPrice },
    { symbol: order.symbol, source: 'positions', ...(order.correlationId ? { correlationId: order.correlationId } : {}) },
  );
}

async function afterFill(deps: PositionsDeps, applied: AppliedFill): Promise<void> {
  const symbol = applied.position?.symbol ?? applied.closedTrade?.symbol;
  if (!symbol) return;
  if (applied.closedTrade) {
    const trade = applied.closedTrade;
    await withLockedRiskState(deps.db, deps.exchange.name, () => initialRiskState(deps.config.execution.paper.startingCashUsd, deps.clock.now()), async (current) => ({
      state: recordTradeClosed(current.state, trade.realizedPnlUsd, deps.clock.now(), deps.config.risk.cooldown),
      resetsApplied: current.resetsApplied,
      result: null,
    }));
    await cancelProtectiveOrders(deps, symbol);
  }
  if (applied.purpose === 'entry' && applied.position && applied.proposalId) await protect(deps, applied.position, applied.proposalId);
}

/** Sets the position's protection from its entry's proposal and rests its stop loss on the exchange (replacing an older one). */
async function protect(deps: PositionsDeps, position: Position, proposalId: string): Promise<void> {
  const entry = await deps.db.select().from(orders).where(and(eq(orders.proposalId, proposalId), eq(orders.purpose, 'entry')));
  const decision = entry[0]?.decisionId ? await loadRiskDecision(deps.db, entry[0].decisionId) : null;
  if (!decision) return;
  const proposal = OrderProposal.parse(decision.proposal);
  const trailingPct = deps.config.execution.trailingStopPct;
  const protection = {
    stopLoss: proposal.stopLoss,
    takeProfit: proposal.takeProfit,
    trailing: position.protection.trailing ?? (trailingPct === null ? null : startTrailing(position.side, trailingPct, position.avgEntryPrice)),
  };
  await setProtection(deps.db, deps.exchange.name, position.symbol, protection);
  if (!proposal.stopLoss) return;
  await cancelProtectiveOrders(deps, position.symbol, ['stop_loss']);
  await placeExit(deps, position, { proposalId, decisionId: decision.decisionId, correlationId: proposal.correlationId, purpose: 'stop_loss', type: 'stop-loss', triggerPrice: proposal.stopLoss });
}

async function watchProtection(deps: PositionsDeps, bar: Candle): Promise<void> {
  const position = (await loadOpenPositions(deps.db, deps.exchange.name)).find((p) => p.symbol === bar.symbol);
  if (!position) return;
  const priceBar = { open: bar.open, high: bar.high, low: bar.low, close: bar.close };
  const trigger = checkProtection(position, priceBar);
  // The stop loss rests on the exchange, which fills it; the engine watches the others.
  if (trigger && trigger.action !== 'stop_loss') {
    const entry = await latestEntryOrder(deps, position.symbol);
    if (!entry?.proposalId || !entry.decisionId) return;
    await cancelProtectiveOrders(deps, position.symbol, ['stop_loss']);
    await placeExit(deps, position, { proposalId: entry.proposalId, decisionId: entry.decisionId, correlationId: entry.correlationId ?? entry.proposalId, purpose: 'take_profit', type: 'market' });
    deps.logger.info({ symbol: position.symbol, action: trigger.action, trigger: trigger.triggerPrice }, 'protective exit');
    return;
  }
  const trailing = ratchetTrailing(position, priceBar);
  if (trailing && JSON.stringify(trailing) !== JSON.stringify(position.protection.trailing)) {
    await setProtection(deps.db, deps.exchange.name, position.symbol, { ...position.protection, trailing });
  }
}

async function latestEntryOrder(deps: PositionsDeps, symbol: string): Promise<OrderRow | undefined> {
  const [latest] = await deps.db
    .select()
    .from(orders)
    .where(and(eq(orders.symbol, symbol), eq(orders.purpose, 'entry'), eq(orders.exchange, deps.exchange.name)))
    .orderBy(desc(orders.createdAt), desc(orders.clientOrderId))
    .limit(1);
  return latest;
}

async function placeExit(
  deps: PositionsDeps,
  position: Position,
  o: { proposalId: string; decisionId: string; correlationId: string; purpose: 'stop_loss' | 'take_profit'; type: 'stop-loss' | 'market'; triggerPrice?: string },
): Promise<void> {
  // A stop replaced after an add gets a fresh id: its quantity differs from the one before.
  const key = o.purpose === 'stop_loss' ? `${o.proposalId}:${position.quantity}` : o.proposalId;
  const outcome = await placeExitOrder(deps, position, {
    key,
    purpose: o.purpose,
    intent: 'protective',
    fenceIntent: 'exit',
    correlationId: o.correlationId,
    decisionId: o.decisionId,
    proposalId: o.proposalId,
    type: o.type,
    ...(o.triggerPrice ? { triggerPrice: o.triggerPrice } : {}),
  }).catch((err: unknown) => {
    deps.logger.error({ symbol: position.symbol, purpose: o.purpose, err: describeError(err) }, 'protective order not placed');
    return undefined;
  });
  if (outcome && outcome.status !== 'submitted' && outcome.status !== 'already') deps.logger.warn({ symbol: position.symbol, purpose: o.purpose, status: outcome.status }, 'protective order not placed');
}

/** Cancels the open protective orders of a symbol (all of them, or those of the given purposes). */
async function cancelProtectiveOrders(deps: PositionsDeps, symbol: string, purposes: readonly string[] = ['stop_loss', 'take_profit']): Promise<void> {
  const open = await deps.db
    .select()
    .from(orders)
    .where(and(eq(orders.symbol, symbol), eq(orders.exchange, deps.exchange.name), inArray(orders.purpose, [...purposes]), inArray(orders.status, ['open', 'partially_filled'])));
  for (const order of open) await cancelAndSync(deps, order);
}

/** The bar's valuation, in the snapshot of its slot. A failure is logged: the bar's orders and positions are done already. */
async function snapshot(deps: PositionsDeps, atMs: number): Promise<void> {
  await recordValuation(deps, atMs).catch((err: unknown) => deps.logger.warn({ atMs, err: describeError(err) }, 'snapshot not recorded'));
}
