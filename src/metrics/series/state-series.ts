import type { Registry } from 'prom-client';
import { DegradationLevel } from '../../model/degradation-level.ts';
import { CoordinatorState } from '../../model/coordinator-state.ts';
import { BreakerName } from '../../model/breaker-name.ts';
import { TradingState } from '../../model/trading-state.ts';
import type { MetricsScrape } from '../metrics-sources.ts';
import { counterOf, gaugeOf, oneHot, type Sample } from './series-of.ts';

/** Trading state, risk state, degradation level, breakers and skipped runs: one sample per state, 1 for the current. */
export function registerStateSeries(registry: Registry, scrape: MetricsScrape): void {
  const state = () => scrape.get('cluster_state');
  gaugeOf(
    registry,
    {
      name: 'triplegain_trading_state',
      help: 'The cluster trading state (kill switch): 1 for the current one of RUNNING, PAUSED, HALTED.',
      labelNames: ['state'],
    },
    state,
    (s) => oneHot('state', CoordinatorState.options, s.trading),
  );
  gaugeOf(
    registry,
    {
      name: 'triplegain_degradation_level',
      help: 'The degradation level: 1 for the current one of NORMAL, REDUCED, LIMITED, EMERGENCY.',
      labelNames: ['level'],
    },
    state,
    (s) => oneHot('level', DegradationLevel.options, s.degradation),
  );
  gaugeOf(
    registry,
    {
      name: 'triplegain_risk_trading_state',
      help: "The risk engine's trading state as the last decision left it: 1 for the current one of ACTIVE, REDUCING, HALTED.",
      labelNames: ['account', 'state'],
    },
    state,
    (s) => (s.risk ? oneHot('state', TradingState.options, s.risk.tradingState, { account: s.risk.account }) : []),
  );
  gaugeOf(
    registry,
    {
      name: 'triplegain_breaker_tripped',
      help: '1 while the circuit breaker is tripped (until a reset), as the last risk decision left it.',
      labelNames: ['breaker'],
    },
    state,
    (s) =>
      s.risk
        ? BreakerName.options.map((breaker): Sample => [{ breaker }, s.risk!.breakers[breaker].tripped ? 1 : 0])
        : [],
  );
  counterOf(
    registry,
    { name: 'triplegain_breaker_trips_total', help: 'Times each circuit breaker tripped.', labelNames: ['breaker'] },
    state,
    (s) => BreakerName.options.map((breaker): Sample => [{ breaker }, s.breakerTrips[breaker] ?? 0]),
  );
  counterOf(
    registry,
    {
      name: 'triplegain_schedule_skips_total',
      help: 'Scheduled runs skipped because the previous run of the task for the pair was still going.',
      labelNames: ['task', 'symbol'],
    },
    state,
    (s) => s.scheduleSkips.map((k): Sample => [{ task: k.task, symbol: k.symbol }, k.skips]),
  );
}
