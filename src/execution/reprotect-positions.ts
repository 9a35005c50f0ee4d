import { recordedEventAlerts } from '../alerts/recorded-event-alerts.ts';
import { appendSystemEvent } from '../db/append-system-event.ts';
import { clearProtectionPending, markProtectionPending } from '../control/protection-pending.ts';
import { loadOpenPositions } from '../positions/position-store.ts';
import { takeInFills } from '../positions/take-in-fills.ts';
import { describeError } from '../shared/triplegain-error.ts';
import type { ExitOrderDeps } from './exit-orders.ts';
import { reconcileOrders, type ReconcileReport } from './reconcile-orders.ts';
import { syncProtectiveStop, type StopSync } from './sync-protective-stop.ts';

export interface ReprotectReport {
  /** True when every open position's stop rests (or none can rest for it): entries are admitted again. */
  complete: boolean;
  reconciled: ReconcileReport;
  /** What `syncProtectiveStop` found or did, by symbol of every open position. */
  stops: Record<string, StopSync>;
}

/** Whether a position's stop is settled: it rests, none is wanted, or none can ever rest for it (the engine watches the level). */
const settled = (sync: StopSync): boolean =>
  sync.status === 'protected' || sync.status === 'none' || (sync.status === 'unprotected' && sync.canRest === false);

/**
 * Puts the stop of every open position back before anything else trades, after the exchange
 * may have canceled them behind our back: its dead man's switch fired (or may have: the
 * switch was not re-armed in time, the exchange was unreachable), or nobody can tell (a worker
 * starting). In this order:
 * 1. `reason` is marked protection-pending (`markProtectionPending`): from here on the
 *    submission fence refuses entries; exits and protective orders go on;
 * 2. our orders are reconciled with the exchange (`reconcileOrders`), which learns the
 *    cancels and fills;
 * 3. the fills learnt are taken into their positions (`takeInFills`);
 * 4. every open position's stop is made to match it (`syncProtectiveStop`, under its lock);
 * 5. only when every stop is settled are the reasons marked up to step 1 cleared.
 * It fails closed: when a step fails or a stop does not rest, entries stay held, which is
 * logged and recorded (`positions.protection_pending` system event); the periodic
 * reconciliation tries again while a reason is marked.
 *
 * @throws what marking (Redis) or reconciling (the exchange) threw, after recording it: a
 *   worker that cannot reconcile does not start.
 */
export async function reprotectPositions(deps: ExitOrderDeps, reason: string): Promise<ReprotectReport> {
  const markedAtMs = await markProtectionPending(deps.redis, deps.keys, reason);
  let reconciled: ReconcileReport;
  const stops: Record<string, StopSync> = {};
  try {
    reconciled = await reconcileOrders(deps);
    await takeInFills(deps);
    for (const position of await loadOpenPositions(deps.db, deps.exchange.name))
      stops[position.symbol] = await syncProtectiveStop(deps, position.symbol);
  } catch (err) {
    await recordHeld(deps, reason, `the positions could not be re-protected: ${describeError(err)}`, {});
    throw err;
  }
  const unsettled = Object.entries(stops).filter(([, sync]) => !settled(sync));
  const lookupsFailed = reconciled.failed.length;
  if (unsettled.length > 0 || lookupsFailed > 0) {
    const gaps = unsettled.map(
      ([symbol, sync]) => `${symbol}: ${sync.status === 'unprotected' ? sync.reason : sync.status}`,
    );
    if (lookupsFailed > 0) gaps.push(`${lookupsFailed} orders could not be looked up on the exchange`);
    await recordHeld(deps, reason, `not every open position has its stop (${gaps.join('; ')})`, stops);
    return { complete: false, reconciled, stops };
  }
  await clearProtectionPending(deps.redis, deps.keys, markedAtMs);
  deps.logger.info({ reason, symbols: Object.keys(stops) }, 'every open position protected: entries admitted');
  return { complete: true, reconciled, stops };
}

async function recordHeld(
  deps: ExitOrderDeps,
  reason: string,
  why: string,
  stops: Record<string, StopSync>,
): Promise<void> {
  const message = `entries held: ${why}; the periodic reconciliation tries again`;
  deps.logger.error({ reason, stops }, message);
  const row = await appendSystemEvent(deps.db, {
    type: 'positions.protection_pending',
    severity: 'error',
    source: 'execution',
    message,
    details: { reason, stops },
    occurredAt: new Date(deps.clock.now()),
  }).catch((err: unknown) => deps.logger.error({ err: describeError(err) }, 'protection pending not recorded'));
  if (row) await deps.alerts?.report(recordedEventAlerts.positionUnprotected(row));
}
