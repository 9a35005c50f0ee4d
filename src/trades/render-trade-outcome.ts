import type { TradeOutcome, TradeOutcomeStatus } from './trade-outcome.ts';

/**
 * A trade's outcome for a terminal: the summary first, then the proposal, the risk decision
 * (every reason of a denial, every cap of an approval), the order, and how to see the chain.
 * Amounts exactly as stored.
 */
export function renderTradeOutcome(o: TradeOutcome): string {
  const lines = [`${o.status.toUpperCase()}: ${o.summary}`];
  const p = o.proposal;
  if (p) {
    const size =
      p.notionalUsd !== undefined
        ? `${p.notionalUsd} USD`
        : p.exitPct !== undefined
          ? `${p.exitPct} % of the position`
          : `${p.sizePct} % of equity`;
    lines.push(
      `proposal  ${p.proposalId} (source ${p.source ?? 'coordinator'}, by ${p.requestedBy ?? o.requestedBy}): ${p.side} ${p.intent} ${p.symbol} ${size} at ${p.entryPrice}, stop loss ${p.stopLoss ?? 'none'}, take profit ${p.takeProfit ?? 'none'}`,
    );
  }
  const r = o.risk;
  if (r) {
    lines.push(
      `risk      ${r.decision} (${r.decisionId})${r.decision === 'approved' ? `: quantity ${r.quantity ?? '?'}, notional ${r.notionalUsd ?? '?'} USD` : ''}`,
    );
    for (const reason of r.reasons) lines.push(`          - ${reason.rule}: ${reason.message}`);
    for (const a of r.adjustments)
      lines.push(`          capped by ${a.rule}: ${a.fromNotionalUsd} → ${a.toNotionalUsd} USD (${a.message})`);
  }
  const order = o.order;
  if (order) {
    lines.push(
      `order     ${order.clientOrderId} ${order.status}: ${order.side} ${order.type} ${order.quantity}${order.reduceOnly ? ' reduce-only' : ''}, exchange id ${order.exchangeOrderId ?? 'none'}, filled ${order.filledQuantity}${order.avgFillPrice ? ` at ${order.avgFillPrice}` : ''}`,
    );
  }
  const c = o.cancel;
  if (c?.clientOrderId)
    lines.push(`order     ${c.clientOrderId} ${c.orderStatus ?? ''} (exchange id ${c.exchangeOrderId ?? 'none'})`);
  if (o.waitingFor) lines.push(`waiting   ${o.waitingFor.step} job ${o.waitingFor.jobId} (${o.waitingFor.jobState})`);
  if (o.proposalId) lines.push(`explain   triplegain explain ${o.proposalId}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The exit code of a trade command: 0 when it went through (an order placed, an order
 * canceled), 3 when its outcome was not known within the wait, 2 otherwise (denied by risk,
 * refused, rejected, failed, nothing to cancel).
 */
export function exitCodeOf(status: TradeOutcomeStatus): number {
  switch (status) {
    case 'placed':
    case 'canceled':
      return 0;
    case 'pending':
      return 3;
    case 'denied':
    case 'refused':
    case 'rejected':
    case 'failed':
    case 'not_canceled':
      return 2;
  }
}
