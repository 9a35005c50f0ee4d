import { z } from 'zod';

/** What became of a trading signal at the coordinator (`coordinator_decisions.outcome`). */
export const SignalOutcome = z.enum([
  /** Sent to risk as a proposal. */
  'proposed',
  /** A HOLD: recorded, not routed. */
  'hold',
  /** Older than `coordinator.freshnessMs.tradingSignal` when it arrived. */
  'stale',
  /** An entry while trading is PAUSED. */
  'paused',
  /** Anything while HALTED (or the EMERGENCY level halted the cluster). */
  'halted',
  /** An entry at the LIMITED degradation level, which allows exits only. */
  'exits_only',
  /** The resolver said wait (or failed, which means wait). */
  'wait',
  /** The resolver said abort. */
  'abort',
  /** A CLOSE with no open position of the symbol. */
  'nothing_to_close',
  /**
   * A SELL with no open position of the symbol on a spot account (`execution.margin` false):
   * it could only open a short, which spot cannot hold. A SELL while long exits the position.
   */
  'nothing_to_sell',
]);
export type SignalOutcome = z.infer<typeof SignalOutcome>;
