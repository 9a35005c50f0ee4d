import { Decimal } from '../model/decimal.ts';
import type { Clock } from '../clock/clock.ts';
import { nextUtcMidnightMs, utcDayStartMs } from '../clock/utc-periods.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError } from '../shared/triplegain-error.ts';
import type { LlmCallLog } from './llm-call-log.ts';

/** Passed to `onBudgetExhausted` the first time a gateway finds the day's budget spent. */
export interface BudgetExhausted {
  /** Start of the UTC day, ms since the epoch. */
  dayStartMs: number;
  /** Spent so far that day, USD, decimal string. */
  spentUsd: string;
  budgetUsd: number;
}

export interface DailyBudgetOptions {
  log: LlmCallLog;
  clock: Clock;
  logger: Logger;
  /** `llm.dailyBudgetUsd`. */
  budgetUsd: number;
  /** Told once per UTC day (per process) that the budget is spent; errors are logged, not thrown. */
  onBudgetExhausted?: (event: BudgetExhausted) => void | Promise<void>;
}

/**
 * The daily spending limit on paid model calls: the sum of `llm_calls.cost_usd` over the
 * clock's current UTC day, shared by every process writing to the same database. Calls that
 * run in parallel may together overshoot it by their own cost; the next call is then refused.
 */
export class DailyBudget {
  private notifiedDayStartMs: number | undefined;

  constructor(private readonly opts: DailyBudgetOptions) {}

  /**
   * Whether the day's budget is spent; tells `onBudgetExhausted` the first time it is. A day
   * found spent stays spent (costs are never negative), so it is not summed again.
   */
  async isSpent(): Promise<boolean> {
    const dayStartMs = utcDayStartMs(this.opts.clock.now());
    if (this.notifiedDayStartMs === dayStartMs) return true;
    const spent = await this.opts.log.spentUsd(dayStartMs, nextUtcMidnightMs(dayStartMs));
    if (spent.lt(new Decimal(String(this.opts.budgetUsd)))) return false;
    if (this.notifiedDayStartMs !== dayStartMs) {
      this.notifiedDayStartMs = dayStartMs;
      const event: BudgetExhausted = { dayStartMs, spentUsd: spent.toFixed(), budgetUsd: this.opts.budgetUsd };
      this.opts.logger.warn(event, 'daily model budget spent: paid model calls are off until the next UTC day');
      try {
        await this.opts.onBudgetExhausted?.(event);
      } catch (err) {
        this.opts.logger.error({ err: describeError(err) }, 'onBudgetExhausted callback failed');
      }
    }
    return true;
  }
}
