import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reducePositions } from '../../src/execution/breaker-actions.ts';
import { syncProtectiveStop } from '../../src/execution/sync-protective-stop.ts';
import { syncFromExchange } from '../../src/orders/order-store.ts';
import { flatBar, PositionScenario } from '../support/position-scenario.ts';
import { scaled } from '../support/test-timing.ts';

/** One thing that can happen to a position, in any order with the others. */
type Step =
  | { kind: 'enter'; quantity: string }
  | { kind: 'exit'; quantity: string | 'all' }
  /** Two approved exits of the whole position carried out at the same moment. */
  | { kind: 'two_exits' }
  | { kind: 'bar'; move: 'flat' | 'up' | 'down' | 'through_stop' | 'gap_below_stop' }
  /** The exchange cancels the resting stop (a dead man's switch), and reconciliation records it. */
  | { kind: 'exchange_cancels_stop' }
  /** Several workers resize the stop at once. */
  | { kind: 'sync_race' }
  /** A breaker cuts the position by half. */
  | { kind: 'breaker_cut' };

// Weighted toward what moves a position (entries, adds, bars that fill them), so that most
// runs hold a position long enough for the rest to interleave with it.
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('enter' as const), quantity: fc.constantFrom('0.01', '0.0234', '0.05') }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('exit' as const),
      quantity: fc.constantFrom('0.005', '0.02', 'all' as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'two_exits' as const }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('bar' as const),
      move: fc.constantFrom(
        'flat' as const,
        'up' as const,
        'down' as const,
        'through_stop' as const,
        'gap_below_stop' as const,
      ),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'exchange_cancels_stop' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'sync_race' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'breaker_cut' as const }) },
);

/** Runs and steps taken, for the record (printed once the property holds). */
const tally = { runs: 0, steps: 0 };

/**
 * The position lifecycle under random interleavings, on the real stores and the paper
 * exchange: entries and adds, partial and whole exits, two exits at once, stop fills (bars
 * through the level, gaps), stops canceled by the exchange, racing stop resizes, breaker
 * cuts, with a core allocation of the same asset held beside them. After every step the audit finds nothing, the reduce-only quantity resting is at most
 * the position, and no spot position is short.
 */
describe('the position lifecycle, property-based', () => {
  it(
    'keeps every invariant of the books after every step of any interleaving',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 12 }), async (steps) => {
          const s = await PositionScenario.start();
          // A core allocation of the same asset is held beside the trades: an exit that oversold
          // would sell it (and book a short) instead of being refused for want of funds.
          await s.holdCore('0.05');
          tally.runs += 1;
          let price = new Decimal(40000);
          let cuts = 0;
          try {
            for (const [i, st] of steps.entries()) {
              tally.steps += 1;
              switch (st.kind) {
                case 'enter':
                  await s.enter(st.quantity, price.times(0.97).toFixed(1));
                  break;
                case 'exit': {
                  const held = (await s.position())?.quantity;
                  await s.exit(st.quantity === 'all' ? (held ?? '0.01') : st.quantity);
                  break;
                }
                case 'two_exits': {
                  const held = (await s.position())?.quantity ?? '0.01';
                  const [a, b] = [
                    await s.approve({ side: 'sell', intent: 'exit', quantity: held }),
                    await s.approve({ side: 'sell', intent: 'exit', quantity: held }),
                  ];
                  await Promise.all([a.submit(), b.submit()]);
                  break;
                }
                case 'bar': {
                  // The stop level, or the price when the market is already below it (a bar's low is never above its open).
                  const stop = Decimal.min(price, (await s.position())?.protection.stopLoss ?? price.times(0.97));
                  const bar =
                    st.move === 'flat'
                      ? flatBar(price.toFixed())
                      : st.move === 'up'
                        ? {
                            open: price.toFixed(),
                            high: price.times(1.02).toFixed(),
                            low: price.toFixed(),
                            close: price.times(1.02).toFixed(),
                          }
                        : st.move === 'down'
                          ? {
                              open: price.toFixed(),
                              high: price.toFixed(),
                              low: price.times(0.99).toFixed(),
                              close: price.times(0.99).toFixed(),
                            }
                          : st.move === 'through_stop'
                            ? {
                                open: price.toFixed(),
                                high: price.toFixed(),
                                low: stop.times(0.99).toFixed(),
                                close: stop.times(0.995).toFixed(),
                              }
                            : flatBar(stop.times(0.98).toFixed());
                  await s.bar(bar);
                  price = new Decimal(bar.close);
                  break;
                }
                case 'exchange_cancels_stop':
                  for (const stop of await s.workingStops()) {
                    if (!stop.exchangeOrderId) continue;
                    await s.paper.cancelOrder(stop.exchangeOrderId);
                    await syncFromExchange(
                      s.h.database.db,
                      stop.clientOrderId,
                      (await s.paper.findByClientOrderId(stop.clientOrderId))!,
                      s.h.clock.now(),
                    );
                  }
                  break;
                case 'sync_race':
                  await Promise.all([
                    syncProtectiveStop(s.deps, s.symbol),
                    syncProtectiveStop(s.deps, s.symbol),
                    syncProtectiveStop(s.deps, s.symbol),
                  ]);
                  break;
                case 'breaker_cut':
                  cuts += 1;
                  await reducePositions(s.deps, {
                    tripId: `trip-${cuts}`,
                    reduceByPct: 50,
                    correlationId: `trip-${cuts}`,
                  });
                  break;
              }
              const position = await s.position();
              const resting = await s.restingReduceOnly();
              const context = `after step ${i} (${JSON.stringify(st)}) of ${JSON.stringify(steps)}`;
              expect(resting.lte(position?.quantity ?? 0), `reduce-only orders rest past the position ${context}`).toBe(
                true,
              );
              expect(position?.side ?? 'long', `a spot position is short ${context}`).toBe('long');
              expect(await s.audit(), context).toEqual([]);
            }
          } finally {
            await s.cleanup();
          }
        }),
        { numRuns: 40, endOnFailure: true },
      );
      console.info(`position lifecycle property: ${tally.runs} runs, ${tally.steps} steps`);
    },
    scaled(600_000),
  );
});
