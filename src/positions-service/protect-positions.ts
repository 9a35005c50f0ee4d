import { exitPosition } from '../execution/exit-position.ts';
import { correlationOf, syncProtectiveStop } from '../execution/sync-protective-stop.ts';
import type { Candle } from '../model/candle.ts';
import { timeframeMs } from '../market/timeframes.ts';
import { stopRestedSince } from '../orders/stop-rested-since.ts';
import { heldPositionOf } from '../positions/held-position.ts';
import { setProtection } from '../positions/position-store.ts';
import { checkProtection, ratchetTrailing } from '../positions/protective-check.ts';
import { describeError } from '../shared/triplegain-error.ts';
import type { PositionsDeps } from './positions-deps.ts';

/**
 * The protective orders of a closed bar, in order: the stop of every symbol in `touched` is made
 * to match its position (`syncProtectiveStop`: one stop, sized to what is held less exits in
 * flight, replaced cancel-first; a refused or canceled stop is placed again); then the engine
 * watches the bar (`watchProtection`). A stop that could not be synced is logged: the engine
 * watches its level.
 */
export async function protectPositions(deps: PositionsDeps, bar: Candle, touched: ReadonlySet<string>): Promise<void> {
  for (const symbol of touched) {
    await syncProtectiveStop(deps, symbol).catch((err: unknown) =>
      deps.logger.error({ symbol, err: describeError(err) }, 'stop not synced: the engine watches the level'),
    );
  }
  await watchProtection(deps, bar);
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
    // A stop of the symbol that works and was placed before the bar opened saw the whole bar.
    if (stopLevel && (await stopRestedSince(deps.db, deps.exchange.name, bar.symbol, bar.openTimeMs))) return;
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
