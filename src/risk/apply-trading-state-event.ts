import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config.ts';
import type { Db } from '../db/open-database.ts';
import type { Keys } from '../keys.ts';
import { initialRiskState } from './risk-state.ts';
import { withLockedRiskState } from './risk-state-store.ts';
import { transitionTradingState, type TradingStateEvent } from './trading-state-machine.ts';
import { type TradingState } from '../model/trading-state.ts';

export interface TradingStateEventDeps {
  config: Pick<AppConfig, 'execution'>;
  db: Db;
  redis: Redis;
  keys: Keys;
  clock: { now(): number };
  exchange: { name: string };
}

/**
 * Applies `event` to the account's trading state in the locked risk-state row when `applies`
 * says so for the state found there (an event that raced with a reset is left out), then
 * writes the state's mirror that `status` reads.
 *
 * @returns the trading state after it.
 */
export async function applyTradingStateEvent(
  deps: TradingStateEventDeps,
  event: TradingStateEvent,
  applies: (current: TradingState) => boolean,
): Promise<TradingState> {
  const account = deps.exchange.name;
  const { state } = await withLockedRiskState(
    deps.db,
    account,
    () => initialRiskState(deps.config.execution.paper.startingCashUsd, deps.clock.now()),
    async (current) => {
      const next = applies(current.state.tradingState)
        ? {
            ...current.state,
            tradingState: transitionTradingState(current.state.tradingState, event),
            updatedAtMs: deps.clock.now(),
          }
        : current.state;
      return { state: next, resetsApplied: current.resetsApplied, result: null };
    },
  );
  await deps.redis.set(deps.keys.riskStateMirror, JSON.stringify({ account, ...state }));
  return state.tradingState;
}
