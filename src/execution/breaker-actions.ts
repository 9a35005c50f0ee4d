import { Decimal } from '../model/decimal.ts';
import type { Bus } from '../bus/bus.ts';
import type { Subscription } from '../bus/subscription.ts';
import { loadOpenPositions } from '../positions/position-store.ts';
import { applyTradingStateEvent } from '../risk/apply-trading-state-event.ts';
import type { TradingState } from '../model/trading-state.ts';
import type { ExitOrderDeps } from './exit-orders.ts';
import { exitPosition } from './exit-position.ts';

export const BREAKER_ACTIONS_SERVICE = 'breaker-actions';

export interface BreakerActionsDeps extends ExitOrderDeps {
  bus: Bus;
}

/**
 * Carries out a `reduce_positions` breaker (the weekly loss by default): every open position
 * is cut by the breaker's `reduceByPct` with a market exit (`exitPosition`: cut to the pair's
 * lot, never past the exits already in flight, a remainder below the pair's minimum taken
 * with it; nothing for a position too small to cut); its stop is resized to what is left. Exits pass the trading-state fence unless the
 * cluster is HALTED. Order ids are derived from the trip message, so a redelivered trip cuts
 * nothing twice. Once the cuts are placed the reduction is done: REDUCING goes back to ACTIVE
 * (`markPositionsReduced`); the tripped breaker stays tripped until its week rolls over.
 * (Halting breakers are carried out by the halt itself, see `startHaltActions`.)
 */
export async function startBreakerActions(deps: BreakerActionsDeps): Promise<Subscription<'risk_alerts'>> {
  return deps.bus.subscribe({
    topic: 'risk_alerts',
    service: BREAKER_ACTIONS_SERVICE,
    types: ['risk.breaker_tripped'],
    handler: async (message) => {
      const trip = message.payload;
      if (trip.action !== 'reduce_positions') return;
      await reducePositions(deps, {
        tripId: message.id,
        reduceByPct: deps.config.risk.breakers[trip.breaker].reduceByPct,
        correlationId: message.correlationId,
      });
      await markPositionsReduced(deps);
    },
  });
}

export async function reducePositions(
  deps: BreakerActionsDeps,
  trip: { tripId: string; reduceByPct: number; correlationId: string },
): Promise<string[]> {
  const placed: string[] = [];
  for (const position of await loadOpenPositions(deps.db, deps.exchange.name)) {
    const quantity = new Decimal(position.quantity)
      .times(trip.reduceByPct)
      .div(100)
      .toDecimalPlaces(8, Decimal.ROUND_DOWN);
    if (quantity.lte(0)) continue;
    const outcome = await exitPosition(deps, {
      symbol: position.symbol,
      key: `reduce-${trip.tripId}-${position.symbol}`,
      purpose: 'exit',
      cause: 'breaker',
      fenceIntent: 'exit',
      correlationId: trip.correlationId,
      quantity: quantity.toFixed(),
    });
    if (outcome) placed.push(outcome.order.clientOrderId);
  }
  deps.logger.warn({ reduceByPct: trip.reduceByPct, orders: placed }, 'positions reduced by a breaker');
  return placed;
}

/**
 * Records that a breaker's reduction has been carried out: the account's trading state goes
 * from REDUCING to ACTIVE (`positions_reduced`), in the locked risk-state row, and the state's
 * mirror for `status` follows. A state that is no longer REDUCING (a halt or a reset came in
 * between) is left as it is.
 *
 * @returns the trading state after it.
 */
export async function markPositionsReduced(
  deps: Pick<BreakerActionsDeps, 'config' | 'db' | 'redis' | 'keys' | 'clock' | 'exchange'>,
): Promise<TradingState> {
  return applyTradingStateEvent(deps, 'positions_reduced', (current) => current === 'REDUCING');
}
