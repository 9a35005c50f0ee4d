import { recordValuation } from '../portfolio/record-valuation.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';
import type { PositionsDeps } from './positions-deps.ts';

export type RecordBarValuationDeps = Pick<PositionsDeps, 'config' | 'db' | 'exchange' | 'logger'>;

/**
 * The bar's valuation, in the snapshot of its slot. A failure is logged: the bar's orders and
 * positions are done already. Its balance read is `background`: refused at once while the
 * exchange's API counter is kept for trading and protective calls; a later bar of the slot, or
 * the portfolio tick, records the slot.
 */
export async function recordBarValuation(deps: RecordBarValuationDeps, atMs: number): Promise<void> {
  await recordValuation(deps, atMs, undefined, {
    priority: 'background',
    maxAgeMs: deps.config.execution.kraken.balanceMaxAgeMs,
  }).catch((err: unknown) => {
    if (err instanceof TriplegainError && err.code === 'EXCHANGE_RATE_LIMITED')
      deps.logger.debug({ atMs, err: describeError(err) }, 'snapshot skipped: the API counter is busy');
    else deps.logger.warn({ atMs, err: describeError(err) }, 'snapshot not recorded');
  });
}
