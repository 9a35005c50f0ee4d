import { formatTable } from '../shared/format-table.ts';
import { CONFLICT_RESOLUTION_PURPOSE } from '../coordinator/resolve-conflict.ts';
import { proposalSourceOf } from '../risk/order-proposal.ts';
import type {
  ExplainedModelCall,
  ExplainedOrder,
  ExplainedOrderEvent,
  Explanation,
  ExplainIdKind,
} from './explanation.ts';

/**
 * An explanation as text for a terminal: one numbered section per step of the chain, in the
 * order the steps happened (bars, agents, model calls, signal, coordinator, risk, orders,
 * positions). Prices, quantities and money are printed exactly as stored; instants in UTC.
 * A step the chain never reached says so.
 */
export function renderExplanation(e: Explanation): string {
  const panelCalls = e.modelCalls.filter((c) => c.purpose !== CONFLICT_RESOLUTION_PURPOSE);
  const resolverCalls = e.modelCalls.filter((c) => c.purpose === CONFLICT_RESOLUTION_PURPOSE);
  const sections = [
    ['Market data', market(e)],
    ['Analysis agents', agents(e)],
    ['Model calls', panelCalls.length === 0 ? ['none recorded'] : modelCalls(panelCalls)],
    ['Trading signal', signal(e)],
    ['Coordinator', coordinator(e, resolverCalls)],
    ['Risk', risk(e)],
    ['Orders', orders(e)],
    ['Positions', positions(e)],
  ] as const;
  const body = sections.map(([title, lines], i) =>
    [`${i + 1}. ${title}`, ...lines.map((l) => (l === '' ? l : `   ${l}`))].join('\n'),
  );
  return `${[header(e), ...body].join('\n\n')}\n`;
}

const ID_KINDS: Record<ExplainIdKind, string> = {
  signal_id: 'signal id',
  proposal_id: 'proposal id',
  risk_decision_id: 'risk decision id',
  client_order_id: 'client order id',
  exchange_order_id: 'exchange order id',
};

/** `2024-01-10 12:00:00Z`, with milliseconds only when there are any. */
function formatInstant(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('.000Z', 'Z');
}

const indent = (lines: readonly string[], by = '  ') => lines.map((l) => `${by}${l}`);
const table = (header: readonly string[], rows: readonly (readonly string[])[]) =>
  formatTable(header, rows).split('\n');
const orNone = (value: string | null, none = 'none') => value ?? none;

function header(e: Explanation): string {
  const ids = [
    `signal ${orNone(e.signalId)}`,
    `proposal ${orNone(e.proposalId)}`,
    `correlation ${orNone(e.correlationId)}`,
  ];
  return `Explanation of ${e.query.id} (${ID_KINDS[e.query.matchedAs]})\n${ids.join(' · ')}\n${CLOCKS}`;
}

/**
 * Which clock each time is on. The workers stamp what they did with the time they did it
 * (wall time: the orphaned-approval check and the model budget measure real time); bars,
 * orders, fills and positions carry market time. Live, the two are the same; in a replay
 * (a kept demo) the market time is the bar's.
 */
const CLOCKS =
  'times: bars, order events, fills and positions in market time; agents, model calls, signal, coordinator and risk in wall time (when a worker did it)';

function market(e: Explanation): string[] {
  if (!e.signal) return ['no stored signal: no bars to show'];
  if (e.candles.length === 0)
    return [
      `${e.signal.symbol} ${e.signal.timeframe}: no stored bars up to ${formatInstant(e.signal.candleOpenTimeMs)}`,
    ];
  const rows = e.candles.map((c) => [
    formatInstant(c.openTimeMs),
    c.open,
    c.high,
    c.low,
    c.close,
    c.volume,
    String(c.trades),
    [c.analysed ? '← analysed' : '', c.gapFilled ? 'gap filled' : ''].filter(Boolean).join(', '),
  ]);
  return [
    `${e.signal.symbol} ${e.signal.timeframe}`,
    ...table(['open time', 'open', 'high', 'low', 'close', 'volume', 'trades', 'note'], rows),
  ];
}

function agents(e: Explanation): string[] {
  if (e.agentOutputs.length === 0) return ['no stored outputs'];
  return e.agentOutputs.map((o) => {
    const figures = Object.entries(o.figures).map(([k, v]) => `${k} ${v ?? 'none'}`);
    const bar =
      e.signal && o.candleOpenTimeMs !== e.signal.candleOpenTimeMs ? ` (bar ${formatInstant(o.candleOpenTimeMs)})` : '';
    return `${formatInstant(o.createdAtMs)}  ${o.agent.padEnd(9)}  ${figures.length > 0 ? figures.join(', ') : 'output of an unknown shape (see --json)'}${bar}`;
  });
}

function modelCalls(calls: readonly ExplainedModelCall[]): string[] {
  const rows = calls.map((c) => [
    formatInstant(c.occurredAtMs),
    c.purpose,
    `${c.provider}/${c.model}`,
    c.attempt > 1 ? `${c.outcome} (attempt ${c.attempt})` : c.outcome,
    `${c.inputTokens}+${c.outputTokens}`,
    c.costUsd,
    String(c.latencyMs),
    c.error ?? '',
  ]);
  return table(['at', 'purpose', 'model', 'outcome', 'tokens in+out', 'cost USD', 'ms', 'error'], rows);
}

function signal(e: Explanation): string[] {
  const s = e.signal;
  if (!s) {
    const proposal = e.risk?.proposal ?? e.coordinator?.proposal;
    if (proposal?.source === 'operator')
      return [`none: a manual trade by ${proposal.requestedBy ?? 'an operator'} (source operator)`];
    return [
      e.signalId
        ? `no trading signal stored as ${e.signalId} (the proposal came from elsewhere, e.g. a rebalance)`
        : 'none: no signal led to this order',
    ];
  }
  return [
    `${s.signalId}: ${s.action}, confidence ${s.confidence}, agreement ${s.agreement}, on the bar of ${formatInstant(s.candleOpenTimeMs)}`,
    `entry ${orNone(s.entryPrice)}, stop loss ${orNone(s.stopLoss)}, take profit ${orNone(s.takeProfit)}, size ${s.sizePct}% of equity, leverage ${s.leverage}`,
    `degradation ${s.degradationLevel}, ${s.withSentiment ? 'with' : 'without'} sentiment; stored ${formatInstant(s.createdAtMs)}, ${s.publishedAtMs === null ? 'not published' : `published ${formatInstant(s.publishedAtMs)}`}`,
    ...(s.votes.length === 0
      ? ['votes: none']
      : [
          'votes:',
          ...indent(
            table(
              ['model', 'action', 'confidence'],
              s.votes.map((v) => [v.model, v.action, String(v.confidence)]),
            ),
          ),
        ]),
    ...(s.abstentions.length === 0
      ? []
      : ['abstentions:', ...indent(s.abstentions.map((a) => `- ${a.model}: ${a.reason}`))]),
    ...(s.reasons.length === 0 ? [] : ['reasons:', ...indent(s.reasons.map((r) => `- ${r.model}: ${r.reasoning}`))]),
  ];
}

function coordinator(e: Explanation, resolverCalls: readonly ExplainedModelCall[]): string[] {
  const c = e.coordinator;
  if (!c) return ['no stored handling'];
  const lines = [
    `${c.outcome} at ${formatInstant(c.createdAtMs)} (coordinator ${c.coordinatorState}, degradation ${c.degradationLevel})`,
  ];
  lines.push(
    ...(c.conflicts.length === 0
      ? ['conflicts: none']
      : ['conflicts:', ...indent(c.conflicts.map((k) => `- ${k.kind} (${k.between.join(' vs ')}): ${k.detail}`))]),
  );
  if (c.consensus) {
    const k = c.consensus;
    lines.push(
      `consensus: ${k.agreeing} of ${k.counted} agents agree (agreement ${k.agreement ?? 'none'}), confidence ×${k.multiplier} → ${k.confidence}`,
    );
  }
  if (c.resolution) {
    const r = c.resolution;
    const changes =
      r.action === 'modify'
        ? ` (size cut ${r.sizeCutPct}% to ${r.sizePct}%, leverage ${r.leverage}, entry ${r.entryPrice})`
        : '';
    lines.push(`resolution: ${r.action}${changes} by ${r.source}: ${r.reasoning}`);
  }
  if (resolverCalls.length > 0) lines.push('resolver calls:', ...indent(modelCalls(resolverCalls)));
  const p = c.proposal;
  lines.push(
    p
      ? `proposal ${p.proposalId}: ${p.side} ${p.purpose ?? p.intent} ${p.symbol} at ${p.entryPrice}, stop loss ${orNone(p.stopLoss)}, take profit ${orNone(p.takeProfit)}, size ${p.sizePct}% × leverage ${p.leverage}, confidence ${p.confidence}, regime ${orNone(p.regime, 'unknown')}`
      : 'no proposal',
  );
  return lines;
}

function risk(e: Explanation): string[] {
  const r = e.risk;
  if (!r) return [e.proposalId ? `no decision stored for ${e.proposalId}` : 'none: the signal led to no proposal'];
  const p = r.proposal;
  const size =
    p.notionalUsd !== undefined
      ? `${p.notionalUsd} USD`
      : p.exitPct !== undefined
        ? `${p.exitPct}% of the position`
        : `${p.sizePct}% × leverage ${p.leverage}`;
  const lines = [
    `${r.decision} at ${formatInstant(r.createdAtMs)}: ${r.decisionId}`,
    `proposal from source ${proposalSourceOf(p)}${p.requestedBy ? ` (by ${p.requestedBy})` : ''}: ${p.side} ${p.purpose ?? p.intent} ${p.symbol} at ${p.entryPrice}, size ${size}, stop loss ${orNone(p.stopLoss)}, take profit ${orNone(p.takeProfit)}`,
  ];
  if (r.decision === 'approved') lines.push(`notional ${orNone(r.notionalUsd)} USD, quantity ${orNone(r.quantity)}`);
  if (r.adjustments.length > 0)
    lines.push(
      'adjustments:',
      ...indent(r.adjustments.map((a) => `- ${a.rule}: ${a.message} (${a.fromNotionalUsd} → ${a.toNotionalUsd} USD)`)),
    );
  if (r.reasons.length > 0) lines.push('reasons:', ...indent(r.reasons.map((a) => `- ${a.rule}: ${a.message}`)));
  const s = r.riskStateAfter;
  if (s) {
    const tripped = Object.entries(s.breakers)
      .filter(([, b]) => b.tripped)
      .map(([name]) => name);
    lines.push(
      `risk state after: ${s.tradingState}, peak equity ${s.peakEquityUsd} USD, ${s.consecutiveLosses} losses in a row, breakers tripped: ${tripped.length > 0 ? tripped.join(', ') : 'none'}`,
    );
  }
  return lines;
}

function orders(e: Explanation): string[] {
  if (e.orders.length === 0) return [e.risk?.decision === 'approved' ? 'none placed' : 'none'];
  return e.orders.flatMap((o, i) => [...(i > 0 ? [''] : []), ...order(o)]);
}

function order(o: ExplainedOrder): string[] {
  const price = [o.limitPrice ? ` limit ${o.limitPrice}` : '', o.triggerPrice ? ` trigger ${o.triggerPrice}` : ''].join(
    '',
  );
  const lines = [
    `${o.purpose}: ${o.side} ${o.type} ${o.quantity} ${o.symbol}${price} on ${o.exchange}, leverage ${o.leverage}${o.reduceOnly ? ', reduce only' : ''} — ${o.status}`,
    `  client order ${o.clientOrderId}, exchange order ${orNone(o.exchangeOrderId)}, approval ${orNone(o.decisionId)}`,
    `  filled ${o.filledQuantity}${o.avgFillPrice ? ` at ${o.avgFillPrice} on average` : ''}, fees ${o.feeUsd} USD`,
    '  events:',
    ...indent(
      table(
        ['at', 'event', 'status', 'detail'],
        o.events.map((ev) => [
          formatInstant(ev.occurredAtMs),
          ev.kind,
          `${ev.fromStatus ?? '∅'} → ${ev.toStatus}`,
          eventDetail(ev),
        ]),
      ),
      '    ',
    ),
  ];
  if (o.fills.length > 0) {
    lines.push('  fills:');
    lines.push(
      ...indent(
        o.fills.map((f) => {
          // Seen without a position: a rebalance's fill, which changes the core allocation (balances).
          const applied =
            f.realizedPnlUsd === null
              ? 'not yet in a position'
              : f.positionId === null
                ? 'the core allocation (no position)'
                : `position #${f.positionId}, realized P&L ${f.realizedPnlUsd} USD`;
          return `${formatInstant(f.filledAtMs)}  ${f.fillId}: ${f.quantity} at ${f.price}, fee ${f.feeUsd} USD → ${applied}`;
        }),
        '    ',
      ),
    );
  }
  return lines;
}

/** The payload fields worth a glance: the exchange order id where it is learnt, a fill, a reason. */
function eventDetail(ev: ExplainedOrderEvent): string {
  const p = ev.payload;
  const parts: string[] = [];
  if ((ev.kind === 'accepted' || ev.kind === 'found_open') && typeof p.exchangeOrderId === 'string')
    parts.push(`exchange order ${p.exchangeOrderId}`);
  const fill = p.fill;
  if (typeof fill === 'object' && fill !== null && 'fillId' in fill && typeof fill.fillId === 'string')
    parts.push(`fill ${fill.fillId}`);
  if (typeof p.reason === 'string') parts.push(p.reason);
  return parts.join(', ');
}

function positions(e: Explanation): string[] {
  if (e.positions.length === 0)
    return [e.orders.some((o) => o.fills.length > 0) ? 'the fills are not yet in a position' : 'none'];
  return e.positions.flatMap((p) => [
    `#${p.positionId} ${p.account} ${p.symbol} ${p.side}: ${p.status === 'closed' && p.closedAtMs !== null ? `closed ${formatInstant(p.closedAtMs)}` : p.status}`,
    `  opened ${formatInstant(p.openedAtMs)}, quantity ${p.quantity}${p.status === 'closed' ? ' (before closing)' : ''}, average entry ${p.avgEntryPrice}, leverage ${p.leverage}`,
    `  realized P&L ${p.realizedPnlUsd} USD (of which this chain ${p.chainRealizedPnlUsd} USD), fees ${p.feesUsd} USD`,
  ]);
}
