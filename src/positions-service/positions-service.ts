import type { Subscription } from '../bus/subscription.ts';
import type { Candle } from '../model/candle.ts';
import { takeInFills } from '../positions/take-in-fills.ts';
import { drivePaperExchange } from './drive-paper-exchange.ts';
import type { PositionsDeps } from './positions-deps.ts';
import { protectPositions } from './protect-positions.ts';
import { recordBarValuation } from './record-bar-valuation.ts';

export type { PositionsDeps } from './positions-deps.ts';

export const POSITIONS_SERVICE = 'positions';

/**
 * The positions service (a consumer group on `market_data`, in every worker process): for each
 * closed bar of a pair, in order —
 * 1. the paper exchange trades on it (resting orders and market orders accepted before the
 *    bar opened fill) and the orders are brought to the exchange's state (`drivePaperExchange`);
 * 2. every new fill is taken into its position exactly once (`takeInFills`): an entry sets the
 *    position's protection from its proposal (and a trailing stop when configured); a closed
 *    position's P&L goes to the risk state (loss streaks, cooldown);
 * 3. the stop of every position a fill touched, and of the bar's pair, is made to match its
 *    position (`syncProtectiveStop`: one stop, sized to what is held less exits in flight,
 *    replaced cancel-first; a refused or canceled stop is placed again);
 * 4. the engine watches the bar (a bar that closed before the position opened is none of its
 *    news): a take profit or trailing stop, or a stop level crossed while no stop rested through
 *    the bar, closes the position at market (`exitPosition`); a trailing stop is ratcheted (only
 *    ever tighter) — 3 and 4 are `protectPositions`;
 * 5. the account is valued into the snapshot of the bar's slot (`recordBarValuation`), a
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
  await drivePaperExchange(deps, bar);
  // Every position whose quantity may have changed gets its stop resized; the bar's own pair on
  // every bar, which is also the retry of a stop that was refused or canceled.
  const touched = new Set<string>([bar.symbol, ...(await takeInFills(deps))]);
  await protectPositions(deps, bar, touched);
  await recordBarValuation(deps, bar.openTimeMs);
}
