import { Decimal } from '../model/decimal.ts';
import type { Redis } from 'ioredis';
import type { AlertSink } from '../alerts/alert-raiser.ts';
import { recordedEventAlerts } from '../alerts/recorded-event-alerts.ts';
import { enterSubmission } from '../control/submission-fence.ts';
import type { Clock } from '../clock/clock.ts';
import type { Db } from '../db/open-database.ts';
import type { OrderRow } from '../db/schema/orders.ts';
import type { ExchangePort } from '../exchange/exchange-port.ts';
import type { Keys } from '../keys.ts';
import type { InstrumentBook } from '../market/instrument-book.ts';
import { instrumentRefusal, roundOrderToInstrument } from '../market/instrument-rules.ts';
import type { NewOrderInput } from '../orders/new-order.ts';
import { applyOrderEvent, createOrder, startSubmission, syncFromExchange } from '../orders/order-store.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';

export interface PlaceOrderDeps {
  db: Db;
  redis: Redis;
  keys: Keys;
  clock: Clock;
  logger: Logger;
  /** The pairs' precision, minimums and leverage: the worker's one book (`TaskDeps.instruments`). */
  instruments: InstrumentBook;
  /** Told of every order the exchange rejects. */
  alerts?: AlertSink;
}

export interface PlaceOrderOutcome {
  /**
   * submitted: the exchange acknowledged it; rejected: the exchange refused it; unknown: no
   * answer (timeout, 5xx): reconciliation finds it by client id; refused: the trading state
   * or the pair's rules refused it, or it was never sent (`requestSent: false`: the rate
   * limit, the account lock, a check before the call); already: it had been sent before
   * (nothing sent now).
   */
  status: 'submitted' | 'rejected' | 'unknown' | 'refused' | 'already';
  order: OrderRow;
  /** Why it was refused or rejected, or what left it unknown. */
  reason?: string;
}

/**
 * Places one order exactly once, whoever calls and however often:
 *
 * 0. the order is put on the pair's grid (`roundOrderToInstrument`: volume cut to the lot,
 *    prices to the tick, leverage snapped down to a whole one the pair lists), the one place
 *    amounts are rounded; an order the exchange would
 *    refuse even so (below `ordermin`, say) is recorded `denied` with the exchange's reason and
 *    never sent;
 * 1. the order row is written first (`created`, idempotent on the client order id); a row
 *    past `created` means it was sent before: nothing is sent (`already`);
 * 2. the trading state is checked in the same Redis step that registers the submission as
 *    under way (`enterSubmission`): PAUSED refuses entries, HALTED refuses everything;
 * 3. `startSubmission` claims the row (one claimant), then the exchange is called once: an
 *    answer records `accepted` (and any fills), a refusal `rejected`; no answer (timeout,
 *    5xx, disconnect) leaves the order `unknown` for reconciliation, which finds it by client
 *    id. The create call is never repeated blindly.
 *
 * @param fenceIntent what the trading state judges: `entry`; `exit` for anything that only
 *   reduces a position (closes and protective orders, which go on while PAUSED); `flatten` for
 *   the close-out a halt asked for (the only orders a HALTED state admits).
 */
export async function placeOrderOnce(
  deps: PlaceOrderDeps,
  exchange: ExchangePort,
  input: Omit<NewOrderInput, 'exchange' | 'createdAtMs'>,
  options: { fenceIntent: 'entry' | 'exit' | 'flatten'; ttlMs: number; signal?: AbortSignal },
): Promise<PlaceOrderOutcome> {
  const clientOrderId = input.clientOrderId;
  const nowMs = () => deps.clock.now();
  const instrument = deps.instruments.find(input.symbol);
  const gridded = instrument ? roundOrderToInstrument(instrument, input) : input;
  // Nothing left after the cut (an amount below one lot) is recorded with what was asked, and denied.
  const cutToNothing = new Decimal(gridded.quantity).isZero();
  const { order } = await createOrder(deps.db, {
    ...(cutToNothing ? input : gridded),
    exchange: exchange.name,
    createdAtMs: nowMs(),
  });
  if (order.status !== 'created') return { status: 'already', order };
  const refusal = instrument
    ? instrumentRefusal(instrument, {
        quantity: order.quantity,
        side: input.side,
        leverage: Number(order.leverage),
        limitPrice: order.limitPrice,
        triggerPrice: order.triggerPrice,
        price: order.limitPrice ?? order.triggerPrice ?? undefined,
      })
    : null;
  if (refusal) {
    const denied = await applyOrderEvent(deps.db, clientOrderId, {
      kind: 'denied',
      reason: `not sent: the exchange would refuse it (${refusal})`,
      occurredAtMs: nowMs(),
    });
    deps.logger.warn(
      { clientOrderId, symbol: input.symbol, quantity: input.quantity, refusal },
      "order not submitted: the pair's rules refuse it",
    );
    return { status: 'refused', order: denied.order, reason: refusal };
  }

  const permit = await enterSubmission(deps, {
    submissionId: clientOrderId,
    intent: options.fenceIntent,
    ttlMs: options.ttlMs,
  });
  if (!permit.admitted) {
    const reason = `trading state ${permit.state}`;
    const denied = await applyOrderEvent(deps.db, clientOrderId, { kind: 'denied', reason, occurredAtMs: nowMs() });
    deps.logger.warn({ clientOrderId, state: permit.state }, 'order not submitted: trading state refuses it');
    return { status: 'refused', order: denied.order, reason };
  }
  try {
    const claim = await startSubmission(deps.db, clientOrderId, nowMs());
    if (!claim.claimed) return { status: 'already', order: claim.order };
    try {
      const placed = await exchange.placeOrder(
        {
          clientOrderId,
          symbol: input.symbol,
          side: input.side,
          type: input.type,
          quantity: gridded.quantity,
          ...(gridded.limitPrice ? { limitPrice: gridded.limitPrice } : {}),
          ...(gridded.triggerPrice ? { triggerPrice: gridded.triggerPrice } : {}),
          leverage: gridded.leverage ?? 1,
          reduceOnly: input.reduceOnly ?? false,
        },
        options.signal,
      );
      return { status: 'submitted', order: (await syncFromExchange(deps.db, clientOrderId, placed, nowMs())).order };
    } catch (err) {
      if (err instanceof TriplegainError && err.code === 'EXCHANGE_REJECTED') {
        const rejected = (
          await applyOrderEvent(deps.db, clientOrderId, {
            kind: 'rejected',
            reason: err.message,
            occurredAtMs: nowMs(),
          })
        ).order;
        await deps.alerts?.report(recordedEventAlerts.orderRejected(rejected, err.message, nowMs()));
        return { status: 'rejected', order: rejected, reason: err.message };
      }
      if (err instanceof TriplegainError && err.details['requestSent'] === false) {
        // Known never to have left: no reconciliation needed to learn it, and nothing to wait
        // for. Withdrawn at once, so the caller's next attempt (a stop at the next sync, an
        // entry at the next signal) is not held behind an order that does not exist.
        const reason = `not sent: ${describeError(err)}`;
        await applyOrderEvent(deps.db, clientOrderId, { kind: 'not_found', reason, occurredAtMs: nowMs() });
        const withdrawn = await applyOrderEvent(deps.db, clientOrderId, {
          kind: 'canceled',
          reason,
          occurredAtMs: nowMs(),
        });
        deps.logger.warn({ clientOrderId, err: describeError(err) }, 'order not sent: withdrawn');
        return { status: 'refused', order: withdrawn.order, reason };
      }
      deps.logger.error({ clientOrderId, err: describeError(err) }, 'order outcome unknown: left for reconciliation');
      return {
        status: 'unknown',
        order: (
          await applyOrderEvent(deps.db, clientOrderId, {
            kind: 'outcome_unknown',
            reason: describeError(err),
            occurredAtMs: nowMs(),
          })
        ).order,
        reason: describeError(err),
      };
    }
  } finally {
    await permit.leave();
  }
}
